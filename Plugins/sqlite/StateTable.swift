import ETLPluginKit

/// `_etl_state`: each entry's resume state, stored in the warehouse itself so that it commits in
/// the same transaction as the rows it describes. Any SQLite client can read it.
///
/// `owner` is the id of the state database of the etl-runtime project that committed the row
/// (NULL: committed by a runtime that sent no id, or before the column existed).
enum StateTable {
    /// The table's name.
    static let name = "_etl_state"

    private static let createSQL = """
        CREATE TABLE IF NOT EXISTS "_etl_state" (entry_id TEXT PRIMARY KEY, state_json TEXT, run_id TEXT, \
        target TEXT, rows INTEGER, committed_at TEXT, owner TEXT)
        """

    /// A load without an owner keeps the row's owner: an older runtime must not erase the claim
    /// of the project that owns the target.
    private static let upsertSQL = """
        INSERT INTO "_etl_state" (entry_id, state_json, run_id, target, rows, committed_at, owner) \
        VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%d %H:%M:%f', 'now'), ?6) \
        ON CONFLICT (entry_id) DO UPDATE SET state_json = excluded.state_json, run_id = excluded.run_id, \
        target = excluded.target, rows = excluded.rows, committed_at = excluded.committed_at, \
        owner = coalesce(excluded.owner, owner)
        """

    /// Targets compare as SQLite compares table names: ASCII case ignored (`lower` folds only
    /// ASCII, like SQLite's identifiers). The entry's own row first: it names the clash best.
    private static let otherOwnerSQL = """
        SELECT entry_id, target, owner, committed_at FROM "_etl_state" \
        WHERE (lower(target) = lower(?1) OR entry_id = ?2) AND owner IS NOT NULL AND owner <> ?3 \
        ORDER BY entry_id = ?2 DESC, committed_at DESC LIMIT 1
        """

    private static let handOverSQL = """
        UPDATE "_etl_state" SET owner = ?2 WHERE lower(target) = lower(?1) AND owner IS NOT NULL AND owner <> ?2
        """

    /// A committed state row of another project.
    struct OwnedRow: Sendable, Equatable {
        var entryID: String
        var target: String
        var owner: String
        /// UTC, as SQLite's strftime wrote it.
        var committedAt: String
    }

    /// Creates the table when missing, and adds `owner` to a table made before it existed
    /// (inside the load's transaction, so a rolled-back load leaves no trace).
    static func ensure(connection: SQLiteConnection, cache: SchemaCache) throws(PluginError) {
        guard !cache.stateTableReady else { return }
        try connection.execute(createSQL, table: name)
        if try TableLayout.read(name, from: connection)?.column(named: "owner") == nil {
            try connection.execute("ALTER TABLE \"_etl_state\" ADD COLUMN owner TEXT", table: name)
        }
        cache.stateTableReady = true
    }

    /// Records `state` for `entryID` (NULL state: nothing to resume from, e.g. a full load),
    /// committed by `owner` (nil: keep the row's owner).
    static func write(_ state: String?, entryID: String, runID: String, target: String, rows: Int64, owner: String?,
                      connection: SQLiteConnection) throws(PluginError) {
        let statement = try connection.prepare(upsertSQL, table: name)
        statement.bind(text: entryID, at: 1)
        statement.bind(state.map(SQLValue.text), at: 2)
        statement.bind(text: runID, at: 3)
        statement.bind(text: target, at: 4)
        statement.bind(int64: rows, at: 5)
        statement.bind(owner.map(SQLValue.text), at: 6)
        try statement.run(table: name)
    }

    /// A row for `target` or `entryID` that an owner other than `owner` committed, if any.
    static func rowOfAnotherOwner(target: String, entryID: String, owner: String,
                                  connection: SQLiteConnection) throws(PluginError) -> OwnedRow? {
        let statement = try connection.prepare(otherOwnerSQL, table: name)
        statement.bind(text: target, at: 1)
        statement.bind(text: entryID, at: 2)
        statement.bind(text: owner, at: 3)
        guard try statement.step(table: name) else { return nil }
        return OwnedRow(entryID: statement.text(0) ?? "", target: statement.text(1) ?? "", owner: statement.text(2) ?? "",
                        committedAt: statement.text(3) ?? "")
    }

    /// Makes `owner` the owner of every owned row of `target`, so that the loads of the project
    /// that took the target over are not refused because of rows its former owner committed.
    /// The rows (and their states) are kept: nothing of the former owner's is lost.
    static func handOver(target: String, to owner: String, connection: SQLiteConnection) throws(PluginError) {
        let statement = try connection.prepare(handOverSQL, table: name)
        statement.bind(text: target, at: 1)
        statement.bind(text: owner, at: 2)
        try statement.run(table: name)
    }

    /// The state last committed for `entryID`, nil when none was (or it was NULL).
    static func read(entryID: String, connection: SQLiteConnection) throws(PluginError) -> String? {
        let exists = try connection.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", table: name)
        exists.bind(text: name, at: 1)
        guard try exists.step(table: name) else { return nil }
        let statement = try connection.prepare("SELECT state_json FROM \"_etl_state\" WHERE entry_id = ?1", table: name)
        statement.bind(text: entryID, at: 1)
        guard try statement.step(table: name) else { return nil }
        return statement.text(0)
    }
}
