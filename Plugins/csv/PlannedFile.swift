/// One file a read will visit, and where in it the read starts.
struct PlannedFile: Sendable, Hashable {
    /// The file's path.
    let path: String
    /// The byte offset to start at (0 for a file not read before).
    let offset: Int64
    /// The physical line number at `offset`.
    let line: Int64
    /// True when the previous read ended on a line without a line break (see `CSVFileState.done`).
    let continuing: Bool
    /// The inode the resume state recorded, or nil for a file not read before.
    let inode: UInt64?

    /// A file read from its start.
    init(path: String) {
        self.init(path: path, offset: 0, line: 1, continuing: false, inode: nil)
    }

    /// A file resumed from its state.
    init(path: String, offset: Int64, line: Int64, continuing: Bool, inode: UInt64?) {
        self.path = path
        self.offset = offset
        self.line = line
        self.continuing = continuing
        self.inode = inode
    }
}
