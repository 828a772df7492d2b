/// What a server says about a remote file before it is read.
public struct RemoteFileStatus: Sendable, Hashable {
    /// Size in bytes.
    public var size: Int64
    /// Last modification in seconds since the epoch, or nil when the server did not say.
    public var modified: Double?

    /// Creates a status.
    public init(size: Int64, modified: Double?) {
        self.size = size
        self.modified = modified
    }
}
