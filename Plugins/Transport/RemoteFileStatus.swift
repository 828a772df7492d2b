/// What a server says about a remote file before it is read.
package struct RemoteFileStatus: Sendable, Hashable {
    /// Size in bytes.
    package var size: Int64
    /// Last modification in seconds since the epoch, or nil when the server did not say.
    package var modified: Double?

    /// Creates a status.
    package init(size: Int64, modified: Double?) {
        self.size = size
        self.modified = modified
    }
}
