/// Why a Parquet file cannot be read, with where: the file, and the row group and column when
/// the problem is inside one.
public struct ParquetReadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The file could not be opened or read (I/O).
        case io
        /// The bytes are not a valid Parquet file (truncated, corrupt).
        case corrupt
        /// Valid Parquet that this reader does not handle (a codec, an encoding, a type).
        case unsupported
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The same error with `context` ("file.parquet, row group 2, column \"price\"") in front.
    public func located(_ context: String) -> ParquetReadError {
        ParquetReadError(kind, "\(context): \(message)")
    }
}
