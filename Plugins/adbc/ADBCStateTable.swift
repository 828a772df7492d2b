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

    /// The first statement of a load's transaction: a write to the entry's state row that changes
    /// nothing, creating the table first when it is missing. Writing first matters to SQLite: a
    /// transaction that only read before its first write cannot wait for the write lock (SQLite
    /// answers "database is locked" at once to avoid a deadlock), one that starts with a write
    /// waits for it under busy_timeout. Changing nothing matters to databases whose DDL commits
    /// the open transaction (Snowflake: the driver's CREATE TABLE at ingest): the state stays
    /// whole whatever commits early.
    static func claim(entryID: String, session: ADBCSession, schema: String?) throws(PluginError) {
        let touch = "UPDATE \(SQLText.table(name, schema: schema)) SET entry_id = entry_id WHERE entry_id = \(SQLText.literal(entryID))"
        do throws(PluginError) {
            try session.execute(touch)
        } catch {
            // Most likely no table yet (PostgreSQL also refuses every later statement of the
            // failed transaction): create it in a transaction of its own, then claim again.
            session.rollback()
            try ensure(session, schema: schema)
            try session.commit()
            try session.execute(touch)
        }
    }

    /// Replaces the entry's state row, inside the load's transaction.
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
            if !exists(session, schema: schema) { return nil }
            throw error
        }
        return values.first ?? nil
    }

    private static func exists(_ session: ADBCSession, schema: String?) -> Bool {
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
