import ETLSQLSource
/// What a reader needs to follow an incremental read: which result columns hold the cursor and
/// key, the NULL policy, and where the read started.
struct IncrementalReadSetup: Sendable {
    /// The cursor column's name and result index.
    var cursorField: String
    var cursorIndex: Int32
    /// The key columns' names and result indexes (empty without a primary key).
    var keyNames: [String]
    var keyIndexes: [Int32]
    /// What to do with a NULL cursor.
    var nullCursor: NullCursorHandling
    /// The state the read started from (nil on a first run).
    var startState: CursorState?
    /// Whether rows at the start state's boundary listed in its hashes are skipped.
    var skipsBoundaryRows: Bool
    /// Whether a lookback window is being re-read (the state then only moves forward).
    var rereadsWindow: Bool
}
