import CSQLite
import Foundation

/// The runtime's state database (SQLite at the manifest's `state.path`): the control
/// table, the run history and the rejects. Plain tables any SQLite client can read.
public final class StateDatabase {
    public let path: String
    private let connection: SQLiteConnection

    /// Opens (creating folders, file and tables as needed) the state database.
    public init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try connection.execute(Self.schema)
    }

    static let schema = """
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

    /// Brings `etl_control` in step with the manifest: new entries are added, changed
    /// settings updated, watermarks kept, entries no longer in the manifest flagged.
    public func synchronize(with entries: [ControlEntry]) throws {
        let now = Timestamp.now()
        try connection.transaction {
            try connection.query("UPDATE etl_control SET in_manifest = 0")
            for entry in entries {
                try connection.query(
                    """
                    INSERT INTO etl_control (id, source, stream, sink, target, active, mode, write_mode, cursor_field, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                    ON CONFLICT(id) DO UPDATE SET source = ?2, stream = ?3, sink = ?4, target = ?5, active = ?6,
                      mode = ?7, write_mode = ?8, cursor_field = ?9, in_manifest = 1, updated_at = ?10
                    """,
                    [
                        .text(entry.id), .text(entry.source), .text(entry.stream), .text(entry.sink), .text(entry.target),
                        .integer(entry.active ? 1 : 0), .text(entry.mode.rawValue), .text(entry.write.rawValue),
                        SQLiteValue(entry.cursorField), .text(now),
                    ])
            }
        }
    }

    /// What the control table says about an entry's resume point.
    public struct Watermark: Sendable, Equatable {
        /// The resume state JSON, or nil (start afresh).
        public var state: String?
        /// True after `state reset|set`: the next run must start from `state`, not from
        /// what the sink committed.
        public var isOverride: Bool
    }

    public func watermark(entryID: String) throws -> Watermark {
        let rows = try connection.query("SELECT watermark, state_override FROM etl_control WHERE id = ?", [.text(entryID)])
        guard let row = rows.first else { return Watermark(state: nil, isOverride: false) }
        return Watermark(state: row[0].text, isOverride: row[1].integer == 1)
    }

    /// Records a committed checkpoint: the new watermark and the rows it added.
    public func recordCheckpoint(entryID: String, state: String?, rowsWritten: Int) throws {
        try connection.query(
            "UPDATE etl_control SET watermark = ?2, state_override = 0, rows_loaded = rows_loaded + ?3, updated_at = ?4 WHERE id = ?1",
            [.text(entryID), SQLiteValue(state), .integer(Int64(rowsWritten)), .text(Timestamp.now())])
    }

    /// Adopts the state a sink committed (reconciliation after a run that was killed
    /// between the sink's commit and the control-table update).
    public func adoptSinkState(entryID: String, state: String?) throws {
        try connection.query(
            "UPDATE etl_control SET watermark = ?2, updated_at = ?3 WHERE id = ?1",
            [.text(entryID), SQLiteValue(state), .text(Timestamp.now())])
    }

    /// `state reset` (state nil) or `state set`: the next run starts from `state`.
    public func overrideWatermark(entryID: String, state: String?) throws {
        let rows = try connection.query(
            "UPDATE etl_control SET watermark = ?2, state_override = 1, updated_at = ?3 WHERE id = ?1 RETURNING id",
            [.text(entryID), SQLiteValue(state), .text(Timestamp.now())])
        guard !rows.isEmpty else {
            throw StateDatabaseError(path: path, sql: nil, message: "no entry \"\(entryID)\" in the control table; run `etl-runtime run` or `status` once so the manifest's entries are recorded")
        }
    }

    public func startRun(runID: String, entryID: String, watermarkBefore: String?) throws {
        let now = Timestamp.now()
        try connection.transaction {
            try connection.query(
                "INSERT INTO etl_runs (run_id, entry_id, started_at, status, watermark_before, pid) VALUES (?, ?, ?, 'running', ?, ?)",
                [.text(runID), .text(entryID), .text(now), SQLiteValue(watermarkBefore), .integer(Int64(getpid()))])
            try connection.query(
                "UPDATE etl_control SET last_run_id = ?2, last_status = 'running', last_run_at = ?3 WHERE id = ?1",
                [.text(entryID), .text(runID), .text(now)])
        }
    }

    public func finishRun(_ result: EntryRunResult) throws {
        let now = Timestamp.now()
        try connection.transaction {
            try connection.query(
                """
                UPDATE etl_runs SET ended_at = ?3, status = ?4, rows_read = ?5, rows_written = ?6, rows_rejected = ?7,
                  watermark_after = ?8, error = ?9 WHERE run_id = ?1 AND entry_id = ?2
                """,
                [
                    .text(result.runID), .text(result.entryID), .text(now), .text(result.status.rawValue),
                    .integer(Int64(result.rowsRead)), .integer(Int64(result.rowsWritten)), .integer(Int64(result.rowsRejected)),
                    SQLiteValue(result.watermark), SQLiteValue(result.error),
                ])
            try connection.query(
                "UPDATE etl_control SET last_status = ?2, last_error = ?3 WHERE id = ?1",
                [.text(result.entryID), .text(result.status.rawValue), SQLiteValue(result.error)])
        }
    }

    public func recordRejects(_ rejects: [SourceReject], runID: String, entryID: String) throws {
        guard !rejects.isEmpty else { return }
        let now = Timestamp.now()
        try connection.transaction {
            for reject in rejects {
                try connection.query(
                    "INSERT INTO etl_rejects (run_id, entry_id, position, raw, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(runID), .text(entryID), .text(reject.position), .text(reject.raw), .text(reject.reason), .text(now)])
            }
        }
    }

    /// Runs left 'running' by a process that no longer exists (killed): marked as such.
    public func markAbandonedRuns() throws {
        let rows = try connection.query("SELECT run_id, entry_id, pid FROM etl_runs WHERE status = 'running'")
        for row in rows {
            guard let pid = row[2].integer, !ProcessLiveness.isRunning(pid_t(pid)) else { continue }
            try connection.query(
                "UPDATE etl_runs SET status = 'killed', ended_at = ?3, error = 'the process ended without finishing the run (killed or crashed); the next run resumes from the last checkpoint' WHERE run_id = ?1 AND entry_id = ?2",
                [row[0], row[1], .text(Timestamp.now())])
            try connection.query(
                "UPDATE etl_control SET last_status = 'killed' WHERE id = ?1 AND last_run_id = ?2", [row[1], row[0]])
        }
    }

    /// The control table, in id order.
    public func controlRows() throws -> [ControlRow] {
        try connection.query(
            """
            SELECT id, source, stream, sink, target, active, mode, write_mode, cursor_field, watermark, last_run_id,
              last_status, last_run_at, last_error, rows_loaded, in_manifest FROM etl_control ORDER BY id
            """
        ).map { row in
            ControlRow(
                id: row[0].text ?? "", source: row[1].text ?? "", stream: row[2].text ?? "", sink: row[3].text ?? "",
                target: row[4].text ?? "", active: row[5].integer == 1, mode: row[6].text ?? "", writeMode: row[7].text ?? "",
                cursorField: row[8].text, watermark: row[9].text, lastRunID: row[10].text, lastStatus: row[11].text,
                lastRunAt: row[12].text, lastError: row[13].text, rowsLoaded: Int(row[14].integer ?? 0),
                inManifest: row[15].integer == 1)
        }
    }

    /// The newest runs first.
    public func runs(entryID: String?, limit: Int) throws -> [RunRecord] {
        var sql = """
            SELECT run_id, entry_id, started_at, ended_at, status, rows_read, rows_written, rows_rejected,
              watermark_after, error, pid FROM etl_runs
            """
        var values: [SQLiteValue] = []
        if let entryID {
            sql += " WHERE entry_id = ?"
            values.append(.text(entryID))
        }
        sql += " ORDER BY started_at DESC, rowid DESC LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try connection.query(sql, values).map { row in
            RunRecord(
                runID: row[0].text ?? "", entryID: row[1].text ?? "", startedAt: row[2].text ?? "", endedAt: row[3].text,
                status: row[4].text ?? "", rowsRead: Int(row[5].integer ?? 0), rowsWritten: Int(row[6].integer ?? 0),
                rowsRejected: Int(row[7].integer ?? 0), watermark: row[8].text, error: row[9].text, pid: Int(row[10].integer ?? 0))
        }
    }

    /// Rejected rows of an entry (newest run first), for tests and `history`.
    public func rejects(entryID: String, runID: String? = nil) throws -> [SourceReject] {
        var sql = "SELECT position, raw, reason FROM etl_rejects WHERE entry_id = ?"
        var values: [SQLiteValue] = [.text(entryID)]
        if let runID {
            sql += " AND run_id = ?"
            values.append(.text(runID))
        }
        sql += " ORDER BY id"
        return try connection.query(sql, values).map { SourceReject(position: $0[0].text ?? "", raw: $0[1].text ?? "", reason: $0[2].text ?? "") }
    }
}

/// Process-wide SQLite settings, applied once before any database (the state database
/// or a plugin's, which share the one system library) is opened.
public enum SQLiteProcessSettings {
    /// Turns off SQLite's memory statistics (a global mutex per allocation).
    public static func apply() {
        _ = etl_sqlite_disable_memory_statistics()
    }
}
