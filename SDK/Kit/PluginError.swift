import CETLPlugin

/// The error every kit protocol method throws; the kit turns it into the `etl_status` the
/// function returns and the `etl_error` the host reads.
///
/// Write the message for the person running the load: what failed, where (path, target,
/// column, JSON path), and how to fix it. Never put secrets (tokens, passwords) in it.
/// Messages longer than `ETL_ERROR_MESSAGE_CAPACITY - 1` bytes are cut at a UTF-8 character
/// boundary and end with "...".
public struct PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code the host sees; raw values are the header's `ETL_*` codes.
    public enum Code: Int32, Sendable, Hashable, CaseIterable {
        /// `ETL_INVALID_CONFIG`: the config (or a request) cannot work; the user must fix it.
        case invalidConfig = 1
        /// `ETL_IO_ERROR`: a file, socket or database failed.
        case ioError = 2
        /// `ETL_BAD_DATA`: input that cannot be read as declared.
        case badData = 3
        /// `ETL_RETRYABLE`: transient; the same call may succeed later.
        case retryable = 4
        /// `ETL_UNSUPPORTED`: the plugin does not offer this operation or mode.
        case unsupported = 5
        /// `ETL_INTERNAL`: a bug (a broken invariant), never bad input.
        case internalError = 6
        /// `ETL_CANCELLED`: the host asked to stop (see `PluginHost.isCancelled`).
        case cancelled = 7

        /// The `etl_status` value of this code.
        public var status: etl_status { rawValue }
    }

    /// The status code.
    public var code: Code
    /// The human-readable message (UTF-8, no secrets).
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `ETL_INVALID_CONFIG` with `message`.
    public static func invalidConfig(_ message: String) -> PluginError { PluginError(.invalidConfig, message) }
    /// `ETL_IO_ERROR` with `message`.
    public static func ioError(_ message: String) -> PluginError { PluginError(.ioError, message) }
    /// `ETL_BAD_DATA` with `message`.
    public static func badData(_ message: String) -> PluginError { PluginError(.badData, message) }
    /// `ETL_RETRYABLE` with `message`.
    public static func retryable(_ message: String) -> PluginError { PluginError(.retryable, message) }
    /// `ETL_UNSUPPORTED` with `message`.
    public static func unsupported(_ message: String) -> PluginError { PluginError(.unsupported, message) }
    /// `ETL_INTERNAL` with `message`.
    public static func internalError(_ message: String) -> PluginError { PluginError(.internalError, message) }
    /// `ETL_CANCELLED` with `message`.
    public static func cancelled(_ message: String) -> PluginError { PluginError(.cancelled, message) }

    /// The `etl_status` the kit returns for this error.
    public var status: etl_status { code.status }

    /// "invalidConfig: message".
    public var description: String { "\(code): \(message)" }
}
