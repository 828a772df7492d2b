/// Why writing a Parquet file failed: what went wrong and, where it applies, how to fix it.
public struct ParquetWriteError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, so a caller can map it to its own error codes.
    public enum Kind: Sendable {
        /// The output could not be written (disk full, permissions, a closed file).
        case io
        /// The data cannot be stored (a value beyond what a page can hold).
        case badData
        /// A codec failed or the library refused a request it should accept.
        case internalError
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
