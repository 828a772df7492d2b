/// `state rebuild` of a state in PostgreSQL, first step: what is left of the old state goes into a
/// schema of its own, `<schema>_unusable_<time>` (never dropped: its runs and rejects stay
/// readable there, by pointing `state.schema` at it), and a fresh state of the current layout is
/// created under the old name — in one transaction, so a failure anywhere leaves the old state
/// exactly as it was, and no other host ever sees the schema missing (their `PostgresStateSchema
/// .prepare` would create one with a new project id): the transaction holds the state's
/// advisory lock, on which their creation waits.
///
/// How the old state is moved depends on what else its schema holds. `state.schema` is any
/// schema the user names, which may be `public` or the schema a `postgres` sink loads into:
/// * the schema holds the state alone and this role owns it: the schema is renamed. One catalog
///   change takes everything of the state along, indexes and sequences, and also what this
///   runtime does not know of (an index or view an operator added, tables of a newer runtime),
///   so nothing of the old state is left behind to be taken for part of the new one;
/// * otherwise the four state tables move (`ALTER TABLE ... SET SCHEMA`, which takes their
///   indexes, constraints and serial sequences along) into a new schema of that name, and the
///   user's own tables stay where they are: renaming the schema would move a sink's targets
///   out from under the manifest.
/// Either way the old tables keep their names, so `history` and `status` read them as they are.
enum PostgresStateSetAside {
    struct Outcome {
        /// The schema the old state went to, nil when there was no state to move.
        var asideSchema: String?
        /// The old state's project id, nil when it could not be read.
        var previousStateID: String?
        /// The default privileges of the renamed schema that could not be set on the new one,
        /// each with why (see `PostgresStateDefaultPrivileges`).
        var defaultPrivilegesNotCarried: [String] = []
    }

    static func run(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Outcome {
        do {
            return try moveAndCreate(connection)
        } catch {
            // The transaction was rolled back: say so, since the user wonders what is left.
            var refusal = error
            refusal.message = "state rebuild changed nothing (the old state is as it was): " + error.message
            if error.message.contains("permission denied") || error.message.contains("must be owner") {
                refusal.message += "; the state's role needs CREATE on the database, to make the schema the old state moves to"
            }
            throw refusal
        }
    }

    private static func moveAndCreate(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Outcome {
        let schema = connection.server.schema
        return try connection.transaction { () throws(StateDatabaseError) in
            let previousID = try readStateID(connection)
            let present = try PostgresStateSchema.presentTables(connection)
            var aside: String?
            var renamed = false
            if !present.isEmpty {
                let name = try asideName(connection, for: schema)
                if try holdsTheStateAloneAndIsOwned(connection) {
                    try connection.execute("ALTER SCHEMA \(quoted(schema)) RENAME TO \(quoted(name))")
                    renamed = true
                } else {
                    try connection.execute("CREATE SCHEMA \(quoted(name))")
                    for table in present.sorted() {
                        try connection.execute("ALTER TABLE \(quoted(schema)).\(quoted(table)) SET SCHEMA \(quoted(name))")
                    }
                }
                aside = name
            }
            if try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = ?1", [.text(schema)]).isEmpty {
                try connection.execute("CREATE SCHEMA \(quoted(schema))")
            }
            // The session's search path names the schema; make sure it finds the one just made.
            try connection.execute("SET LOCAL search_path TO \(quoted(schema))")
            try PostgresStateSchema.create(connection, stateID: previousID ?? StateSchema.randomStateID())
            var notCarried: [String] = []
            if let aside {
                try PostgresStateGrants.copy(from: aside, to: schema, schemaWasRenamed: renamed, connection)
                // After the tables exist, so they get the old tables' grants alone, not the defaults
                // again. The state tables moved out of a schema that stays keep their defaults on it.
                if renamed { notCarried = try PostgresStateDefaultPrivileges.copy(from: aside, to: schema, connection) }
            }
            return Outcome(asideSchema: aside, previousStateID: previousID, defaultPrivilegesNotCarried: notCarried)
        }
    }

    /// The project id of a state that may be damaged: etl_meta is small and written once, so it
    /// often survives what broke the rest. Read under a savepoint, since a failed statement
    /// would otherwise abort the whole transaction.
    private static func readStateID(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> String? {
        let meta = quoted(connection.server.schema) + ".etl_meta"
        guard try connection.query("SELECT to_regclass(?1) IS NOT NULL", [.text(meta)]).first?.first?.text == "t" else { return nil }
        try connection.execute("SAVEPOINT etl_read_state_id")
        do {
            let id = try connection.query("SELECT value FROM \(meta) WHERE key = 'state_id'").first?.first?.text
            try connection.execute("RELEASE SAVEPOINT etl_read_state_id")
            return id.flatMap { $0.isEmpty ? nil : $0 }
        } catch {
            try connection.execute("ROLLBACK TO SAVEPOINT etl_read_state_id")
            return nil
        }
    }

    /// True when the schema holds nothing but the state (its four tables with their indexes,
    /// TOAST tables and serial sequences) and this role owns it (a rename needs ownership).
    /// `public` is everyone's: never renamed.
    private static func holdsTheStateAloneAndIsOwned(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Bool {
        let schema = connection.server.schema
        guard schema != "public" else { return false }
        let known = PostgresStateSchema.tableNames + ["etl_runs_seq_seq", "etl_rejects_id_seq"]
        let rows = try connection.query(
            """
            SELECT pg_has_role(n.nspowner, 'USAGE')
              AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind NOT IN ('i', 'I', 't')
                                AND c.relname::text <> ALL(string_to_array(?2, ',')))
              AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid)
              AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype IN ('d', 'e', 'r', 'm'))
            FROM pg_namespace n WHERE n.nspname = ?1
            """,
            [.text(schema), .text(known.joined(separator: ","))])
        return rows.first?.first?.text == "t"
    }

    /// `<schema>_unusable_<yyyymmdd_hhmmss>`, lower case so it needs no quotes in psql, cut to
    /// PostgreSQL's 63-byte names (it would cut it silently itself), with a number added when a
    /// rebuild of the same second left one already.
    private static func asideName(_ connection: PostgresStateConnection, for schema: String) throws(StateDatabaseError) -> String {
        let digits = String(try connection.now().prefix(19).filter(\.isNumber))
        let suffix = "_unusable_\(digits.prefix(8))_\(digits.dropFirst(8))"
        for attempt in 1...100 {
            let tail = attempt == 1 ? suffix : suffix + "_\(attempt)"
            var base = Substring(schema)
            while base.utf8.count + tail.utf8.count > 63 { base = base.dropLast() }
            let name = String(base) + tail
            if try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = ?1", [.text(name)]).isEmpty { return name }
        }
        throw StateDatabaseError(
            path: connection.path, sql: nil, message: "cannot find a free schema name to move the old state aside to (\(schema)\(suffix) and 99 more are taken)")
    }

    private static func quoted(_ name: String) -> String {
        PostgresStateConnection.quoted(name)
    }
}
