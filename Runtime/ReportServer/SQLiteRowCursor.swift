import CSQLite

/// The rows of one SQLite statement, stepped as they are asked for. The statement stays open
/// while the download lasts, so the CSV is one snapshot of the table. In WAL mode (the sink's
/// default) that never blocks the sink's writers, it only keeps a checkpoint from going past the
/// snapshot until the download ends; in journal_mode delete a writer waits for it, as it would
/// for any reader.
final class SQLiteRowCursor: SinkRowCursor {
    /// Kept for its connection, which the statement belongs to.
    private let reader: SQLiteTableReader
    private let statement: OpaquePointer
    /// The row stepped to and not yet taken.
    private var ahead: SinkRow?

    /// Takes over `statement` and steps to its first row, so that the work before it (a sort,
    /// a busy database) fails here, before a response is started, rather than mid-download.
    init(reader: SQLiteTableReader, statement: OpaquePointer) throws(SinkReadFailure) {
        self.reader = reader
        self.statement = statement
        ahead = try reader.step(statement)
    }

    deinit { sqlite3_finalize(statement) }

    func next() throws(SinkReadFailure) -> SinkRow? {
        guard let row = ahead else { return nil }
        ahead = try reader.step(statement)
        // Past the last row: the read transaction ends now rather than when the cursor goes.
        if ahead == nil { sqlite3_reset(statement) }
        return row
    }
}
