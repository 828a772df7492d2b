import ETLPluginKit

/// `_etl_state` in the target database: each entry's resume state, written in the load's own
/// transaction so it commits exactly when the rows do (the same table the sqlite and postgres
/// sinks keep, minus the ownership column). Portable SQL only: CREATE TABLE IF NOT EXISTS,
/// DELETE then INSERT instead of a dialect's upsert.
enum ADBCStateTable {
    static let name = "_etl_state"

    static func ensure(_ session: ADBCSession, schema: String?) throws(PluginError) {
        try session.execute("""
            CREATE TABLE IF NOT EXISTS \(SQLText.table(name, schema: schema)) (entry_id VARCHAR(1024) PRIMARY KEY, \
            state_json TEXT, run_id TEXT, target TEXT, rows BIGINT, committed_at TEXT)
            """)
    }

    static func write(_ state: String?, entryID: String, runID: String, target: String, rows: Int64,
                      committedAt: String, session: ADBCSession, schema: String?) throws(PluginError) {
        let table = SQLText.table(name, schema: schema)
        try session.execute("DELETE FROM \(table) WHERE entry_id = \(SQLText.literal(entryID))")
        try session.execute("""
            INSERT INTO \(table) (entry_id, state_json, run_id, target, rows, committed_at) VALUES \
            (\(SQLText.literal(entryID)), \(SQLText.literal(state)), \(SQLText.literal(runID)), \
            \(SQLText.literal(target)), \(rows), \(SQLText.literal(committedAt)))
            """)
    }

    /// The committed state of `entryID`; nil when there is none (or no table yet).
    static func read(entryID: String, session: ADBCSession, schema: String?) throws(PluginError) -> String? {
        let table = SQLText.table(name, schema: schema)
        let values: [String?]
        do throws(PluginError) {
            values = try DriverQuery.texts(
                "SELECT state_json FROM \(table) WHERE entry_id = \(SQLText.literal(entryID))", session: session)
        } catch {
            // No table yet: nothing was ever committed. Anything else is a real failure.
            if try !exists(session, schema: schema) { return nil }
            throw error
        }
        return values.first ?? nil
    }

    private static func exists(_ session: ADBCSession, schema: String?) throws(PluginError) -> Bool {
        // The failed SELECT may have aborted a transaction (PostgreSQL refuses every statement
        // after an error until rollback).
        session.rollback()
        do throws(PluginError) {
            _ = try DriverQuery.texts("SELECT count(*) FROM \(SQLText.table(name, schema: schema)) WHERE 1 = 0", session: session)
            return true
        } catch {
            session.rollback()
            return false
        }
    }
}
