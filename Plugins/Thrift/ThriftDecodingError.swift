/// Bytes that are not a valid Thrift compact-protocol encoding of the struct being read.
public struct ThriftDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, e.g. "a varint runs past the end of the bytes".
    public let message: String
    /// The byte offset (from the start of the decoded bytes) where the problem was found.
    public let offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
