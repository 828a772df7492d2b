import CETLPlugin

/// Severity of a log line sent to the host (the header's `ETL_LOG_*`).
public enum PluginLogLevel: Int32, Sendable, Hashable, CaseIterable {
    /// `ETL_LOG_TRACE`: very detailed, off by default.
    case trace = 0
    /// `ETL_LOG_DEBUG`: details useful when investigating.
    case debug = 1
    /// `ETL_LOG_INFO`: normal progress.
    case info = 2
    /// `ETL_LOG_WARNING`: something unexpected that the load survived.
    case warning = 3
    /// `ETL_LOG_ERROR`: a failure.
    case error = 4

    /// The `etl_log_level` value.
    public var cValue: etl_log_level { rawValue }
}
