/// The first bytes of a transfer that runs on to the end of a remote file (`RemoteFile.window`),
/// and what the same answer said about the file.
package struct RemoteWindow: Sendable {
    /// The file offset of `bytes[0]`.
    package var start: Int64
    /// The bytes from `start` (fewer than asked for only at the end of the file).
    package var bytes: [UInt8]
    /// The file's size and modification time, or nil when the answer did not give the size
    /// (no Content-Length): ask `RemoteFile.status()` then.
    package var status: RemoteFileStatus?

    /// Creates a window.
    package init(start: Int64, bytes: [UInt8], status: RemoteFileStatus?) {
        self.start = start
        self.bytes = bytes
        self.status = status
    }

    /// The offset just after `bytes`.
    package var end: Int64 { start + Int64(bytes.count) }
}
