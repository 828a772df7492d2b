/// The rows of one query read through a server-side cursor: `DECLARE ... NO SCROLL CURSOR` in a
/// read-only transaction, then `FETCH` a chunk at a time as the rows are asked for, so neither
/// libpq nor this process ever holds more than one chunk, whatever the table's size.
final class PostgresRowCursor: SinkRowCursor {
    /// Rows per `FETCH`: one round trip per chunk, a few hundred KiB at most for usual rows.
    static let chunkRows = 1_000

    /// Kept for its connection, which holds the cursor and its transaction.
    private let reader: PostgresTableReader
    private var chunk: [SinkRow] = []
    private var position = 0
    private var exhausted = false
    private var inTransaction = false

    /// Declares the cursor and fetches the first chunk, so a query that fails does so here
    /// (before a response is started) rather than mid-download.
    init(reader: PostgresTableReader, select: String, _ values: [String]) throws(SinkReadFailure) {
        self.reader = reader
        try reader.execute("BEGIN READ ONLY")
        inTransaction = true
        // A client that stops reading without closing leaves the transaction idle (and holding
        // back vacuum); the server ends it after a while, and the download fails.
        try reader.execute("SET LOCAL idle_in_transaction_session_timeout = '5min'")
        try reader.command("DECLARE etl_csv_rows NO SCROLL CURSOR FOR \(select)", values)
        try fetch()
    }

    deinit {
        // Dropped before the last row (the client went away, or a fetch failed): the
        // transaction ends here; the reader's connection closes right after.
        if inTransaction { try? reader.execute("ROLLBACK") }
    }

    func next() throws(SinkReadFailure) -> SinkRow? {
        if position == chunk.count, !exhausted { try fetch() }
        guard position < chunk.count else { return nil }
        defer { position += 1 }
        return chunk[position]
    }

    private func fetch() throws(SinkReadFailure) {
        chunk = try reader.query("FETCH \(Self.chunkRows) FROM etl_csv_rows", [])
        position = 0
        if chunk.count < Self.chunkRows {
            exhausted = true
            // Read-only: ending it either way is the same; this frees the snapshot now.
            try reader.execute("ROLLBACK")
            inTransaction = false
        }
    }
}
