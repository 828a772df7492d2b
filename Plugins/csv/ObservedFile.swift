import ETLPluginKit

/// A file the configured path matches now, as an incremental read sees it before reading:
/// its identity and size, and its first bytes (read once, when first asked), against which
/// saved states are checked.
final class ObservedFile {
    let source: any ByteSource
    let status: InputFile.Status
    private var firstBytes: [UInt8]?

    var path: String { source.path }
    var size: Int64 { status.size }

    /// A file opened from `source`, its status asked now.
    convenience init(_ source: any ByteSource) throws(PluginError) {
        self.init(source, status: try source.status())
    }

    /// A file whose status is already known (a reader's snapshot).
    init(_ source: any ByteSource, status: InputFile.Status) {
        self.source = source
        self.status = status
    }

    /// True when `state` was taken of this very file (it may have been renamed since): the same
    /// device and inode; for a remote file (no inode) the same path. A state saved without a
    /// device matches on the inode alone.
    func isSameFile(as state: CSVFileState) -> Bool {
        guard status.inode != 0 else { return state.inode == 0 && state.path == path }
        return state.inode == status.inode && (state.device ?? status.device) == status.device
    }

    /// The first `min(ContentHead.window, size)` bytes.
    func head() throws(PluginError) -> [UInt8] {
        if let firstBytes { return firstBytes }
        let bytes = try source.bytes(at: 0, count: Int(Swift.min(ContentHead.window, size)))
        firstBytes = bytes
        return bytes
    }

    /// The head of the file as a state read up to `offset` records it.
    func head(forOffset offset: Int64) throws(PluginError) -> ContentHead {
        let length = ContentHead.length(forOffset: offset)
        let bytes = try head()
        return ContentHead(length: length, hash: ByteFingerprint.hex(Array(bytes.prefix(Int(length)))))
    }

    /// True when the file holds the bytes `state` read: it is at least `state.offset` long,
    /// begins with the state's head and has the same bytes before the offset. A state without
    /// a head (saved by an earlier version), or a file known by its path (`isIdentifiedByPath`),
    /// is held only by the same file; its head is not compared then.
    func holds(_ state: CSVFileState) throws(PluginError) -> Bool {
        guard size >= state.offset else { return false }
        if let head = state.head, !source.isIdentifiedByPath {
            guard try self.head(forOffset: state.offset) == head else { return false }
        } else {
            guard isSameFile(as: state) else { return false }
        }
        return try fingerprint(before: state.offset) == state.fingerprint
    }

    /// `ByteSource.fingerprint(before:)`, from the first bytes when they cover it.
    private func fingerprint(before offset: Int64) throws(PluginError) -> String {
        if offset <= ContentHead.window {
            let bytes = try head()
            let start = Int(offset - Swift.min(offset, ByteFingerprint.window))
            return ByteFingerprint.hex(Array(bytes[start..<Int(offset)]))
        }
        return try source.fingerprint(before: offset)
    }

    /// `state` moved onto this file, which holds its bytes: this path and identity, the head of
    /// these bytes (equal to the state's when it has one), the position to continue from.
    func resuming(_ state: CSVFileState) throws(PluginError) -> CSVFileState {
        var moved = state
        moved.path = path
        moved.device = status.device
        moved.inode = status.inode
        // A file known by its path keeps the head it was saved with: fetching the first bytes
        // again would cost a remote file a request of its own.
        if !source.isIdentifiedByPath { moved.head = try head(forOffset: state.offset) }
        return moved
    }
}
