/// The state tables in a PostgreSQL schema (`state.url`): the layout of `StateSchema`'s current
/// version in PostgreSQL's types, created at once (there is no older PostgreSQL layout to
/// migrate from). `etl_meta` records the version and the project's id, as in SQLite.
enum PostgresStateSchema {
    static let tables = """
        CREATE TABLE IF NOT EXISTS etl_meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE IF NOT EXISTS etl_control (
          id text PRIMARY KEY,
          source text NOT NULL, stream text NOT NULL, sink text NOT NULL, target text NOT NULL,
          active integer NOT NULL, mode text NOT NULL, write_mode text NOT NULL, cursor_field text,
          watermark text, state_override integer NOT NULL DEFAULT 0,
          last_run_id text, last_status text, last_run_at text, last_error text,
          rows_loaded bigint NOT NULL DEFAULT 0, in_manifest integer NOT NULL DEFAULT 1,
          updated_at text NOT NULL, primary_key text
        );
        CREATE TABLE IF NOT EXISTS etl_runs (
          seq bigserial,                          -- insertion order (SQLite's rowid)
          run_id text NOT NULL, entry_id text NOT NULL,
          started_at text NOT NULL, ended_at text, status text NOT NULL,
          rows_read bigint NOT NULL DEFAULT 0, rows_written bigint NOT NULL DEFAULT 0,
          rows_rejected bigint NOT NULL DEFAULT 0,
          watermark_before text, watermark_after text, error text,
          pid integer NOT NULL,                   -- on the host named in host
          host text,
          reads text,
          PRIMARY KEY (run_id, entry_id)
        );
        CREATE INDEX IF NOT EXISTS etl_runs_by_entry ON etl_runs(entry_id, started_at);
        CREATE TABLE IF NOT EXISTS etl_rejects (
          id bigserial PRIMARY KEY,
          run_id text NOT NULL, last_run_id text, entry_id text NOT NULL,
          position text NOT NULL, raw text NOT NULL, reason text NOT NULL, recorded_at text NOT NULL,
          times_seen integer NOT NULL DEFAULT 1,
          UNIQUE (entry_id, position, raw, reason)
        );
        """

    /// What opening a state of the current layout read on the way, in the one statement that
    /// checked it: the project id and the server's clock.
    struct Current {
        var stateID: String
        /// `clock_timestamp()` when the check ran (see `PostgresStateConnection.now`).
        var clock: String
    }

    /// Creates the schema and tables when missing (under the state's advisory lock, so hosts
    /// starting together create them once) and refuses a schema of a newer runtime. Returns what
    /// the check read when the state was current already (nil when it made or completed it).
    @discardableResult
    static func prepare(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Current? {
        // Every command, every entry's claim and worker opens the state: when it is already of
        // this version, one statement checks it (no DDL, no wait on the other hosts' writes).
        if let current = try? checkCurrent(connection) { return current }
        let present = try presentTables(connection)
        // etl_meta is written in the transaction that creates every table: a state without some of
        // them lost them (a DROP, a partial restore). Creating them afresh would forget watermarks
        // and history without a word, so refuse, as a damaged SQLite file is refused.
        if present.contains("etl_meta"), present.count < tableNames.count {
            let missing = tableNames.filter { !present.contains($0) }
            throw StateDatabaseError(
                path: connection.path, sql: nil, kind: .unusable,
                message: "is damaged: \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing from the schema. " + recovery)
        }
        try connection.transaction { () throws(StateDatabaseError) in
            let schema = connection.server.schema
            // CREATE SCHEMA only when missing: IF NOT EXISTS still needs CREATE on the database.
            if try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = ?1", [.text(schema)]).isEmpty {
                try connection.execute("CREATE SCHEMA \(PostgresStateConnection.quoted(schema))")
            }
            let hasMeta = try !connection.query(
                "SELECT 1 FROM pg_tables WHERE schemaname = ?1 AND tablename = 'etl_meta'", [.text(schema)]).isEmpty
            if hasMeta,
               let version = try connection.query("SELECT value FROM etl_meta WHERE key = 'schema_version'").first?.first?.integer,
               version > StateSchema.currentVersion {
                throw StateDatabaseError(
                    path: connection.path, sql: nil, kind: .unusable,
                    message: "was written by a newer etl-runtime (state schema version \(version); this one knows up to "
                        + "\(StateSchema.currentVersion)). Run the newer etl-runtime, or point state.schema at another schema")
            }
            try create(connection, stateID: StateSchema.randomStateID())
        }
        return nil
    }

    /// Every state table present and etl_meta at the current version, in one statement that
    /// also reads the project id and the clock; nil otherwise, and an error when etl_meta is
    /// missing or unreadable: `prepare` then looks closer, and says what is wrong.
    private static func checkCurrent(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Current? {
        let row = try connection.query(
            """
            SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = ?1 AND tablename::text = ANY(string_to_array(?2, ','))),
              (SELECT value FROM etl_meta WHERE key = 'schema_version'), (SELECT value FROM etl_meta WHERE key = 'state_id'),
              \(PostgresStateConnection.clockSQL)
            """, [.text(connection.server.schema), .text(tableNames.joined(separator: ","))]).first
        guard let row, row[0].integer == Int64(tableNames.count), row[1].integer == StateSchema.currentVersion,
              let clock = row[3].text else { return nil }
        return Current(stateID: row[2].text ?? "", clock: clock)
    }

    /// Creates the tables that are missing and records the version, and `stateID` unless the
    /// state has an id already. Call it inside the state's transaction, with the schema there.
    static func create(_ connection: PostgresStateConnection, stateID: String) throws(StateDatabaseError) {
        try connection.execute(tables)
        try connection.query(
            "INSERT INTO etl_meta (key, value) VALUES ('state_id', ?1), ('created_at', ?2) ON CONFLICT (key) DO NOTHING",
            [.text(stateID), .text(try connection.now())])
        try connection.query(
            "INSERT INTO etl_meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
            [.text(String(StateSchema.currentVersion))])
    }

    /// The state's tables, as `pg_tables` names them.
    static let tableNames = ["etl_control", "etl_meta", "etl_rejects", "etl_runs"]

    /// Which of the state's tables the schema holds.
    static func presentTables(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Set<String> {
        Set(try connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = ?1 AND tablename::text = ANY(string_to_array(?2, ','))",
            [.text(connection.server.schema), .text(tableNames.joined(separator: ","))]
        ).compactMap { $0.first?.text })
    }

    /// How to get going again from a state that cannot be used.
    static let recovery = "To recover, run `etl-runtime state rebuild --manifest <plugins.json>`: it moves what is left of this state "
        + "aside (into a schema named <schema>_unusable_<time>, never dropped) and rebuilds the control table from the state "
        + "each sink committed with its data (_etl_state)"
}
