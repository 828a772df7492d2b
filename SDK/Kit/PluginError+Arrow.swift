import ETLArrow

extension PluginError {
    /// Wraps an Arrow failure, keeping its status (`ETL_UNSUPPORTED`, `ETL_BAD_DATA` or
    /// `ETL_INTERNAL`) and prefixing its message with `context`, e.g. "batch 3 of the load".
    public init(_ arrowError: ArrowError, context: String) {
        self.init(Code(rawValue: arrowError.etlStatus) ?? .internalError, "\(context): \(arrowError.message)")
    }
}
