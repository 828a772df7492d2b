import ETLPluginKit

/// `_etl_state`: each entry's resume state, stored in the warehouse itself so that it commits in
/// the same transaction as the rows it describes. Any SQLite client can read it.
enum StateTable {
    /// The table's name.
    static let name = "_etl_state"

    private static let createSQL = """
        CREATE TABLE IF NOT EXISTS "_etl_state" (entry_id TEXT PRIMARY KEY, state_json TEXT, run_id TEXT, \
        target TEXT, rows INTEGER, committed_at TEXT)
        """

    private static let upsertSQL = """
        INSERT INTO "_etl_state" (entry_id, state_json, run_id, target, rows, committed_at) \
        VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%d %H:%M:%f', 'now')) \
        ON CONFLICT (entry_id) DO UPDATE SET state_json = excluded.state_json, run_id = excluded.run_id, \
        target = excluded.target, rows = excluded.rows, committed_at = excluded.committed_at
        """

    /// Creates the table when missing (inside the load's transaction, so a rolled-back first
    /// load leaves no trace).
    static func ensure(connection: SQLiteConnection, cache: SchemaCache) throws(PluginError) {
        guard !cache.stateTableReady else { return }
        try connection.execute(createSQL, table: name)
        cache.stateTableReady = true
    }

    /// Records `state` for `entryID` (NULL state: nothing to resume from, e.g. a full load).
    static func write(_ state: String?, entryID: String, runID: String, target: String, rows: Int64,
                      connection: SQLiteConnection) throws(PluginError) {
        let statement = try connection.prepare(upsertSQL, table: name)
        statement.bind(text: entryID, at: 1)
        statement.bind(state.map(SQLValue.text), at: 2)
        statement.bind(text: runID, at: 3)
        statement.bind(text: target, at: 4)
        statement.bind(int64: rows, at: 5)
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
