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
    /// The file the planner saw (incremental reads): a path that leads to another file when
    /// opened was rotated in between, and waits for the next read.
    let identity: FileIdentity?
    /// True when no saved state applies (a new file): it enters the state when opened.
    let isNew: Bool
    /// Files read before this one in the same read that continue the same saved state (a log
    /// and its copies): this one starts after the furthest of them whose bytes it holds, so
    /// bytes they share are read once.
    let after: [String]

    /// A file of a full read, read from its start.
    init(path: String) {
        self.init(path: path, offset: 0, line: 1, continuing: false, identity: nil, isNew: true, after: [])
    }

    init(path: String, offset: Int64, line: Int64, continuing: Bool, identity: FileIdentity?, isNew: Bool, after: [String]) {
        self.path = path
        self.offset = offset
        self.line = line
        self.continuing = continuing
        self.identity = identity
        self.isNew = isNew
        self.after = after
    }
}
