import ETLPluginKit

/// `_etl_state` in the sink's schema: each entry's resume state, written in the same transaction
/// as the rows it describes, with the same columns as the sqlite sink's table (committed_at is a
/// timestamptz here). `owner` is the id of the state database of the project that committed it.
enum PGStateTable {
    static let name = "_etl_state"

    /// Creates the table when missing. The first loads of parallel entries would race on CREATE
    /// TABLE IF NOT EXISTS (PostgreSQL can fail one with a duplicate-key error), so creation is
    /// serialized with a transaction-level advisory lock, taken only while the table is missing.
    static func ensure(schema: String, connection: PostgresConnection) throws(PluginError) {
        let table = PGIdentifier.qualified(schema, name)
        if try exists(schema: schema, connection: connection) { return }
        try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["etl-runtime setup \(schema)"],
                             what: "waiting for the setup lock of schema \(PGIdentifier.quoted(schema))")
        // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists,
        // which a role loading into an existing schema need not have.
        let schemaExists = try connection.query("SELECT to_regnamespace(quote_ident($1)) IS NOT NULL", [schema],
                                                what: "looking up schema \(PGIdentifier.quoted(schema))").rows.first?.first == "t"
        if !schemaExists {
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(PGIdentifier.quoted(schema))", what: "creating schema \(PGIdentifier.quoted(schema))")
        }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS \(table) (entry_id text PRIMARY KEY, state_json text, run_id text, \
            target text, rows bigint, committed_at timestamptz, owner text)
            """, what: "creating \(table)")
    }

    static func exists(schema: String, connection: PostgresConnection) throws(PluginError) -> Bool {
        let found = try connection.query("SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL",
                                         [schema, name], what: "looking up \(PGIdentifier.qualified(schema, name))")
        return found.rows.first?.first == "t"
    }

    /// Records `state` for the entry (nil: nothing to resume from), committed by `owner` (nil
    /// keeps the row's owner: an older runtime must not erase the owning project's claim).
    static func write(_ state: String?, request: LoadRequest, rows: Int64, owner: String?, schema: String,
                      connection: PostgresConnection) throws(PluginError) {
        let table = PGIdentifier.qualified(schema, name)
        try connection.query("""
            INSERT INTO \(table) AS s (entry_id, state_json, run_id, target, rows, committed_at, owner) \
            VALUES ($1, $2, $3, $4, $5::bigint, now(), $6) \
            ON CONFLICT (entry_id) DO UPDATE SET state_json = excluded.state_json, run_id = excluded.run_id, \
            target = excluded.target, rows = excluded.rows, committed_at = excluded.committed_at, \
            owner = coalesce(excluded.owner, s.owner)
            """, [request.entryID, state, request.runID, request.target, String(rows), owner], what: "writing the state of entry \(request.entryID) to \(table)")
    }

    /// The state last committed for `entryID`, nil when none was.
    static func read(entryID: String, schema: String, connection: PostgresConnection) throws(PluginError) -> String? {
        guard try exists(schema: schema, connection: connection) else { return nil }
        let table = PGIdentifier.qualified(schema, name)
        let found = try connection.query("SELECT state_json FROM \(table) WHERE entry_id = $1", [entryID],
                                         what: "reading the state of entry \(entryID) from \(table)")
        return found.rows.first?.first ?? nil
    }

    /// A committed row of another project for `target` or `entryID`, the entry's own row first.
    static func rowOfAnotherOwner(target: String, entryID: String, owner: String, schema: String,
                                  connection: PostgresConnection) throws(PluginError) -> (entryID: String, target: String, owner: String, committedAt: String)? {
        let table = PGIdentifier.qualified(schema, name)
        let found = try connection.query("""
            SELECT entry_id, target, owner, to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM \(table) \
            WHERE (target = $1 OR entry_id = $2) AND owner IS NOT NULL AND owner <> $3 \
            ORDER BY entry_id = $2 DESC, committed_at DESC LIMIT 1
            """, [target, entryID, owner], what: "checking who owns target \(target) in \(table)")
        guard let row = found.rows.first else { return nil }
        return (row[0] ?? "", row[1] ?? "", row[2] ?? "", row[3] ?? "")
    }

    /// Makes `owner` the owner of every owned row of `target` (take_ownership).
    static func handOver(target: String, to owner: String, schema: String, connection: PostgresConnection) throws(PluginError) {
        let table = PGIdentifier.qualified(schema, name)
        try connection.query("UPDATE \(table) SET owner = $2 WHERE target = $1 AND owner IS NOT NULL AND owner <> $2",
                             [target, owner], what: "handing target \(target) over in \(table)")
    }
}
