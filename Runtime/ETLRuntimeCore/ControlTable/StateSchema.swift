import CSQLite
import Foundation

/// The state database's layout and its versions. A state database says it is one
/// (`PRAGMA application_id`), which version of this layout it holds (`etl_meta.schema_version`,
/// mirrored in `PRAGMA user_version` for a cheap check) and which project it belongs to
/// (`etl_meta.state_id`, a random id sinks record as the owner of the targets it loads).
///
/// A newer runtime migrates an older database in one transaction; an older runtime refuses a
/// newer one, since it cannot know what the newer layout means.
enum StateSchema {
    /// 'ETLR': marks a SQLite file as an etl-runtime state database.
    static let applicationID: Int64 = 0x4554_4C52
    /// The layout this runtime writes. 1: the tables of etl-runtime ≤ 0.6 (no etl_meta);
    /// 2: etl_meta, rejects kept once per record, per-run progress, the recorded primary key;
    /// 3: what each run read (`etl_runs.reads`), the lineage `history` and `status` show.
    static let currentVersion: Int64 = 3

    /// Version 1, as earlier runtimes created it (kept to migrate from, and for the tests).
    static let version1 = """
        CREATE TABLE IF NOT EXISTS etl_control (
          id TEXT PRIMARY KEY,
          source TEXT NOT NULL, stream TEXT NOT NULL, sink TEXT NOT NULL, target TEXT NOT NULL,
          active INTEGER NOT NULL, mode TEXT NOT NULL, write_mode TEXT NOT NULL, cursor_field TEXT,
          watermark TEXT,                       -- the resume state the sink committed last (JSON)
          state_override INTEGER NOT NULL DEFAULT 0, -- 1 after `state reset|set`: the next run starts from watermark
          last_run_id TEXT, last_status TEXT, last_run_at TEXT, last_error TEXT,
          rows_loaded INTEGER NOT NULL DEFAULT 0,  -- rows written by all runs
          in_manifest INTEGER NOT NULL DEFAULT 1,  -- 0 once the entry left the manifest (history is kept)
          updated_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS etl_runs (
          run_id TEXT NOT NULL, entry_id TEXT NOT NULL,
          started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL,
          rows_read INTEGER NOT NULL DEFAULT 0, rows_written INTEGER NOT NULL DEFAULT 0,
          rows_rejected INTEGER NOT NULL DEFAULT 0,
          watermark_before TEXT, watermark_after TEXT, error TEXT, pid INTEGER NOT NULL,
          PRIMARY KEY (run_id, entry_id)
        );
        CREATE INDEX IF NOT EXISTS etl_runs_by_entry ON etl_runs(entry_id, started_at);
        CREATE TABLE IF NOT EXISTS etl_rejects (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL, entry_id TEXT NOT NULL,
          position TEXT NOT NULL, raw TEXT NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS etl_rejects_by_entry ON etl_rejects(entry_id, run_id);
        """

    /// From version 1 to 2. A reject is kept once per entry, position, record and reason: a
    /// batch that failed and is read again by the next run refuses the same records again,
    /// which is one fact, not several (`last_run_id` and `times_seen` say it recurred).
    static let version2 = """
        CREATE TABLE etl_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        ALTER TABLE etl_control ADD COLUMN primary_key TEXT;   -- JSON array, as last run
        ALTER TABLE etl_rejects ADD COLUMN last_run_id TEXT;
        ALTER TABLE etl_rejects ADD COLUMN times_seen INTEGER NOT NULL DEFAULT 1;
        UPDATE etl_rejects SET last_run_id = run_id;
        DELETE FROM etl_rejects WHERE id NOT IN
          (SELECT min(id) FROM etl_rejects GROUP BY entry_id, position, raw, reason);
        CREATE UNIQUE INDEX etl_rejects_once ON etl_rejects(entry_id, position, raw, reason);
        """

    /// From version 2 to 3. What a run read: for a SQL model, the tables and views its query
    /// read in its sink (as the sink reported them); for an entry with a source, `source:stream`.
    /// A JSON array of strings, NULL when unknown (runs recorded before version 3, runs that
    /// ended before they read, sinks that do not report it).
    static let version3 = """
        ALTER TABLE etl_runs ADD COLUMN reads TEXT;
        """

    /// The steps that bring a database from version N-1 to N, by N.
    static let migrations: [Int64: String] = [2: version2, 3: version3]

    /// Checks what the file at `connection` is and brings it to `currentVersion`.
    /// - Throws: `StateDatabaseError` of kind `.unusable` for a file that is not a state
    ///   database of ours, is damaged, or was written by a newer runtime.
    static func prepare(_ connection: SQLiteConnection, checkPages: Bool = true) throws(StateDatabaseError) {
        let application = try readApplicationID(connection)
        if application != applicationID {
            guard application == 0 else { throw foreign(connection, "its application id is \(application)") }
            let tables = try userTables(connection)
            if !tables.isEmpty, !tables.contains("etl_control") {
                throw foreign(connection, "it holds other tables (\(tables.prefix(5).joined(separator: ", ")))")
            }
        }
        if checkPages { try checkIntegrity(connection) }
        try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try connection.transaction { () throws(StateDatabaseError) in
            // Read again under the write lock: another process may have just created or migrated it.
            let tables = try userTables(connection)
            var version: Int64 = tables.isEmpty ? 0 : (try recordedVersion(connection, tables: tables))
            if version > currentVersion {
                throw StateDatabaseError(
                    path: connection.path, sql: nil, kind: .unusable,
                    message: "was written by a newer etl-runtime (state schema version \(version); this one knows up to "
                        + "\(currentVersion)). Run the newer etl-runtime, or point state.path at another file")
            }
            if version == 0 {
                try connection.execute(version1)
                version = 1
            }
            while version < currentVersion {
                version += 1
                if let step = migrations[version] { try connection.execute(step) }
            }
            if try connection.query("SELECT value FROM etl_meta WHERE key = 'state_id'").isEmpty {
                try connection.query(
                    "INSERT INTO etl_meta (key, value) VALUES ('state_id', ?1), ('created_at', ?2)",
                    [.text(randomStateID()), .text(Timestamp.now())])
            }
            try connection.query(
                "INSERT INTO etl_meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1",
                [.text(String(currentVersion))])
            try connection.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(currentVersion);")
        }
    }

    /// The database's project id (see `etl_meta.state_id`).
    static func stateID(_ connection: any StateConnection) throws(StateDatabaseError) -> String {
        try connection.query("SELECT value FROM etl_meta WHERE key = 'state_id'").first?.first?.text ?? ""
    }

    /// The version the file says it holds: etl_meta's, else 1 for a database of earlier
    /// runtimes (they wrote no etl_meta).
    private static func recordedVersion(_ connection: SQLiteConnection, tables: Set<String>) throws(StateDatabaseError) -> Int64 {
        guard tables.contains("etl_meta") else { return 1 }
        let rows = try connection.query("SELECT value FROM etl_meta WHERE key = 'schema_version'")
        return rows.first?.first?.integer ?? 1
    }

    private static func readApplicationID(_ connection: SQLiteConnection) throws(StateDatabaseError) -> Int64 {
        do {
            return try connection.query("PRAGMA application_id").first?.first?.integer ?? 0
        } catch {
            throw unusable(connection, error, "cannot be read as a SQLite database")
        }
    }

    private static func userTables(_ connection: SQLiteConnection) throws(StateDatabaseError) -> Set<String> {
        do {
            let rows = try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return Set(rows.compactMap { $0.first?.text })
        } catch {
            throw unusable(connection, error, "cannot be read as a SQLite database")
        }
    }

    /// Databases up to this size get `PRAGMA quick_check` at every open: it reads every page,
    /// which for a state database of this size takes a few milliseconds.
    static let quickCheckLimitBytes: Int64 = 64 << 20

    private static func checkIntegrity(_ connection: SQLiteConnection) throws(StateDatabaseError) {
        let size: Int64
        do {
            let pages = try connection.query("PRAGMA page_count").first?.first?.integer ?? 0
            let pageSize = try connection.query("PRAGMA page_size").first?.first?.integer ?? 0
            size = pages * pageSize
        } catch {
            throw unusable(connection, error, "is damaged")
        }
        guard size <= quickCheckLimitBytes else { return }
        let findings: [String]
        do {
            findings = try connection.query("PRAGMA quick_check(5)").compactMap { $0.first?.text }
        } catch {
            throw unusable(connection, error, "is damaged")
        }
        guard findings != ["ok"] else { return }
        throw StateDatabaseError(
            path: connection.path, sql: nil, kind: .unusable,
            message: "is damaged (SQLite's quick_check found: \(findings.joined(separator: "; ").split(separator: "\n").joined(separator: "; "))). " + recovery(connection.path))
    }

    private static func foreign(_ connection: SQLiteConnection, _ why: String) -> StateDatabaseError {
        StateDatabaseError(
            path: connection.path, sql: nil, kind: .unusable,
            message: "is a SQLite database, but not an etl-runtime state database (\(why)); it was left untouched. "
                + "Point state.path in the manifest at a file of its own")
    }

    /// `error` as a refusal of the file when it says the file is damaged or no database; any
    /// other failure (a full disk, a lock held too long) is passed on as it is.
    private static func unusable(_ connection: SQLiteConnection, _ error: StateDatabaseError, _ what: String) -> StateDatabaseError {
        guard error.code == SQLITE_CORRUPT || error.code == SQLITE_NOTADB else { return error }
        return StateDatabaseError(
            path: connection.path, sql: nil, kind: .unusable,
            message: "\(what) (\(error.message)). " + recovery(connection.path))
    }

    /// How to get going again from a state database that cannot be used.
    static func recovery(_ path: String) -> String {
        "To recover, run `etl-runtime state rebuild --manifest <plugins.json>`: it moves this file aside "
            + "(kept as \((path as NSString).lastPathComponent).unusable-<time>) and rebuilds the control table from the "
            + "state each sink committed with its data (_etl_state); the run history stays in the moved file"
    }

    static func randomStateID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
