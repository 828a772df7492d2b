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

    /// Creates the schema and tables when missing (under the state's advisory lock, so hosts
    /// starting together create them once) and refuses a schema of a newer runtime.
    static func prepare(_ connection: PostgresStateConnection) throws(StateDatabaseError) {
        // Every entry's worker opens the state: when it is already of this version, no DDL
        // (and no wait on the other hosts' writes) is needed.
        let meta = PostgresStateConnection.quoted(connection.server.schema) + ".etl_meta"
        if try connection.query("SELECT to_regclass(?1) IS NOT NULL", [.text(meta)]).first?.first?.text == "t",
           try connection.query("SELECT value FROM etl_meta WHERE key = 'schema_version'").first?.first?.integer == StateSchema.currentVersion {
            return
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
            try connection.execute(tables)
            try connection.query(
                "INSERT INTO etl_meta (key, value) VALUES ('state_id', ?1), ('created_at', ?2) ON CONFLICT (key) DO NOTHING",
                [.text(StateSchema.randomStateID()), .text(try connection.now())])
            try connection.query(
                "INSERT INTO etl_meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
                [.text(String(StateSchema.currentVersion))])
        }
    }
}
