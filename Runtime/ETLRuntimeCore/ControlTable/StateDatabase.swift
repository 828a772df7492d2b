import CSQLite
import Foundation

/// The runtime's state database: the control table, the run history and the rejects. SQLite
/// at the manifest's `state.path` (the default), or a schema of a PostgreSQL database
/// (`state.url`) that several hosts share. Plain tables any client can read.
package final class StateDatabase {
    /// How messages name it: the file's path, or the server without its password.
    package let path: String
    package let location: StateLocation
    let connection: any StateConnection

    /// The project's id: sinks record it as the owner of the targets this project loads.
    package private(set) var stateID: String

    /// A reading of the state's clock and when it was taken on this host's monotonic clock, for
    /// `time(secondsAgo:)` moments after opening without asking the server again.
    var clockReading: (time: String, monotonic: Double)?

    /// Opens (creating folders, file and tables as needed) the state database, after checking
    /// that the file is one (see `StateSchema`) and migrating an older layout.
    /// - Parameter pagesChecked: true when this run already read every page (`quick_check`) when
    ///   it opened the file moments ago: an entry's worker and the run's bookkeeping of it then
    ///   skip that read, which costs ~20 ms for a state database of 20 MB, per open.
    /// - Throws: `StateDatabaseError` (kind `.unusable` when the file must not be used).
    package convenience init(path: String, pagesChecked: Bool = false) throws {
        try self.init(location: .file(path), pagesChecked: pagesChecked)
    }

    /// Opens the state database at `location`: as `init(path:)` for a file; for a server, connects
    /// and creates the schema and its tables when missing (see `PostgresStateSchema`).
    package convenience init(location: StateLocation, pagesChecked: Bool = false) throws {
        try self.init(location: location, pagesChecked: pagesChecked, over: nil)
    }

    /// As `init(location:pagesChecked:)`, on `existing` when given: a connection to the state's
    /// server that this process holds a lock on (the run's, an entry's claim), so the state's
    /// reads and writes need no connection of their own.
    init(location: StateLocation, pagesChecked: Bool, over existing: PostgresStateConnection?) throws {
        self.location = location
        path = location.description
        switch location {
        case .file(let path):
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let sqlite = try SQLiteConnection(path: path)
            try StateSchema.prepare(sqlite, checkPages: !pagesChecked)
            connection = sqlite
        case .server(let server):
            let postgres = try existing ?? PostgresStateConnection(server)
            if let current = try PostgresStateSchema.prepare(postgres) {
                connection = postgres
                stateID = current.stateID
                clockReading = (current.clock, MonotonicTime.seconds())
                return
            }
            connection = postgres
        }
        stateID = try StateSchema.stateID(connection)
    }

    /// Takes on the project id of the database this one replaces (`state rebuild`), so the
    /// sinks still recognise this project as the owner of its targets.
    func adoptStateID(_ id: String) throws {
        try connection.query("UPDATE etl_meta SET value = ?1 WHERE key = 'state_id'", [.text(id)])
        stateID = id
    }

    /// Brings `etl_control` in step with the manifest: new entries are added, changed
    /// settings updated, watermarks kept, entries no longer in the manifest flagged. An entry
    /// whose change would reload or skip data it already loaded keeps its recorded settings
    /// (unless its id is in `accepting`) and is returned, for `run` and `validate` to refuse.
    @discardableResult
    package func synchronize(with entries: [ControlEntry], accepting: Set<String> = []) throws -> [EntrySettingsChange] {
        // Every tick of an unchanged manifest finds the table as it would write it: then it
        // writes nothing (and waits on no other host's writes). `updated_at` is the last change.
        if Self.inStep(entries, try controlSettings()) { return [] }
        return try connection.stampedTransaction { now throws(StateDatabaseError) in
            let changes = try settingsChanges(entries).filter { !accepting.contains($0.entryID) }
            let refused = Set(changes.map(\.entryID))
            try connection.query("UPDATE etl_control SET in_manifest = 0")
            for entry in entries {
                if refused.contains(entry.id) {
                    try connection.query(
                        "UPDATE etl_control SET active = ?2, in_manifest = 1 WHERE id = ?1",
                        [.text(entry.id), .integer(entry.active ? 1 : 0)])
                    continue
                }
                try connection.query(
                    """
                    INSERT INTO etl_control (id, source, stream, sink, target, active, mode, write_mode, cursor_field, primary_key, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?10)
                    ON CONFLICT(id) DO UPDATE SET source = ?2, stream = ?3, sink = ?4, target = ?5, active = ?6,
                      mode = ?7, write_mode = ?8, cursor_field = ?9, primary_key = ?11, in_manifest = 1, updated_at = ?10
                    """,
                    [
                        .text(entry.id), .text(entry.source), .text(entry.stream), .text(entry.sink), .text(entry.target),
                        .integer(entry.active ? 1 : 0), .text(entry.mode.rawValue), .text(entry.write.rawValue),
                        SQLiteValue(entry.cursorField), .text(now), .text(EntrySettingsChange.primaryKeyJSON(entry)),
                    ])
            }
            return changes
        }
    }

    /// An `etl_control` row as `synchronize` compares it with the manifest.
    private struct ControlSettings {
        var recorded: EntrySettingsChange.Recorded
        var active: Bool
        var inManifest: Bool
    }

    /// Every row of `etl_control`, by id, in one statement.
    private func controlSettings() throws(StateDatabaseError) -> [String: ControlSettings] {
        var rows: [String: ControlSettings] = [:]
        for row in try connection.query(
            """
            SELECT id, source, stream, sink, target, mode, write_mode, cursor_field, primary_key, rows_loaded,
              CASE WHEN watermark IS NULL THEN 0 ELSE 1 END, state_override, active, in_manifest FROM etl_control
            """) {
            let recorded = EntrySettingsChange.Recorded(
                source: row[1].text ?? "", stream: row[2].text ?? "", sink: row[3].text ?? "", target: row[4].text ?? "",
                mode: row[5].text ?? "", write: row[6].text ?? "", cursorField: row[7].text, primaryKeyJSON: row[8].text,
                rowsLoaded: Int(row[9].integer ?? 0), hasWatermark: row[10].integer == 1, overridden: row[11].integer == 1)
            rows[row[0].text ?? ""] = ControlSettings(recorded: recorded, active: row[12].integer == 1, inManifest: row[13].integer == 1)
        }
        return rows
    }

    /// True when `synchronize` would write every row as it is: each entry recorded with its
    /// settings, active flag and in the manifest, and no other row marked in the manifest.
    private static func inStep(_ entries: [ControlEntry], _ rows: [String: ControlSettings]) -> Bool {
        let ids = Set(entries.map(\.id))
        guard !rows.contains(where: { $0.value.inManifest && !ids.contains($0.key) }) else { return false }
        return entries.allSatisfy { entry in
            guard let row = rows[entry.id], row.inManifest, row.active == entry.active else { return false }
            let recorded = row.recorded
            return recorded.source == entry.source && recorded.stream == entry.stream && recorded.sink == entry.sink
                && recorded.target == entry.target && recorded.mode == entry.mode.rawValue && recorded.write == entry.write.rawValue
                && recorded.cursorField == entry.cursorField && recorded.primaryKeyJSON == EntrySettingsChange.primaryKeyJSON(entry)
        }
    }

    /// The entries whose manifest settings changed since they loaded data, in a way that could
    /// load it twice or skip part of it (see `EntrySettingsChange`). Reads only.
    package func settingsChanges(_ entries: [ControlEntry]) throws(StateDatabaseError) -> [EntrySettingsChange] {
        let rows = try controlSettings()
        return entries.compactMap { entry in rows[entry.id].flatMap { EntrySettingsChange.between($0.recorded, entry) } }
    }

    /// What the control table says about an entry's resume point.
    package struct Watermark: Sendable, Equatable {
        /// The resume state JSON, or nil (start afresh).
        package var state: String?
        /// True after `state reset|set`: the next run must start from `state`, not from
        /// what the sink committed.
        package var isOverride: Bool
    }

    package func watermark(entryID: String) throws -> Watermark {
        let rows = try connection.query("SELECT watermark, state_override FROM etl_control WHERE id = ?", [.text(entryID)])
        guard let row = rows.first else { return Watermark(state: nil, isOverride: false) }
        return Watermark(state: row[0].text, isOverride: row[1].integer == 1)
    }

    /// Records a committed checkpoint: the new watermark and the rows it added, in the control
    /// table and in the run's row (so a run that dies later still shows what it committed), with
    /// what the run read when it is known by then (a SQL model's tables: see `RunReads`).
    package func recordCheckpoint(runID: String, entryID: String, state: String?, rowsWritten: Int, reads: [String]? = nil) throws {
        try connection.stampedTransaction { now throws(StateDatabaseError) in
            try connection.query(
                "UPDATE etl_control SET watermark = ?2, state_override = 0, rows_loaded = rows_loaded + ?3, updated_at = ?4 WHERE id = ?1",
                [.text(entryID), SQLiteValue(state), .integer(Int64(rowsWritten)), .text(now)])
            try connection.query(
                "UPDATE etl_runs SET rows_written = rows_written + ?3, watermark_after = ?4, reads = coalesce(?5, reads) WHERE run_id = ?1 AND entry_id = ?2",
                [.text(runID), .text(entryID), .integer(Int64(rowsWritten)), SQLiteValue(state), SQLiteValue(reads.map(RunReads.stored))])
        }
    }

    /// What a run has committed so far: its rows and the control table's watermark (for a run
    /// whose worker died without reporting).
    package func committedProgress(runID: String, entryID: String) throws -> (rowsWritten: Int, watermark: String?) {
        let rows = try connection.query(
            "SELECT rows_written FROM etl_runs WHERE run_id = ?1 AND entry_id = ?2", [.text(runID), .text(entryID)])
        return (Int(rows.first?.first?.integer ?? 0), try watermark(entryID: entryID).state)
    }

    /// Adopts the state a sink committed (reconciliation after a run that was killed
    /// between the sink's commit and the control-table update).
    package func adoptSinkState(entryID: String, state: String?) throws {
        try connection.query(
            "UPDATE etl_control SET watermark = ?2, updated_at = ?3 WHERE id = ?1",
            [.text(entryID), SQLiteValue(state), .text(now())])
    }

    /// `state reset` (state nil) or `state set`: the next run starts from `state`.
    package func overrideWatermark(entryID: String, state: String?) throws {
        let rows = try connection.query(
            "UPDATE etl_control SET watermark = ?2, state_override = 1, updated_at = ?3 WHERE id = ?1 RETURNING id",
            [.text(entryID), SQLiteValue(state), .text(now())])
        guard !rows.isEmpty else {
            throw StateDatabaseError(path: path, sql: nil, message: "no entry \"\(entryID)\" in the control table; run `etl-runtime run` once so the manifest's entries are recorded")
        }
    }

    /// Records that the entry's run started, before any plugin code runs. The run that starts a
    /// worker records it first (so a worker that dies at once still leaves its row); the worker
    /// records it again, with its own pid and the watermark it starts from.
    package func startRun(runID: String, entryID: String, watermarkBefore: String?) throws {
        // Shared by several hosts: a pid alone does not say which process ran it (a file has no host column).
        let host = location.isShared ? (column: ", host", value: ", ?6", update: ", host = ?6") : (column: "", value: "", update: "")
        try connection.stampedTransaction { now throws(StateDatabaseError) in
            try connection.query(
                """
                INSERT INTO etl_runs (run_id, entry_id, started_at, status, watermark_before, pid\(host.column))
                VALUES (?1, ?2, ?3, 'running', ?4, ?5\(host.value))
                ON CONFLICT (run_id, entry_id) DO UPDATE SET watermark_before = ?4, pid = ?5\(host.update)
                """,
                [.text(runID), .text(entryID), .text(now), SQLiteValue(watermarkBefore), .integer(Int64(getpid()))]
                    + (location.isShared ? [.text(ProcessInfo.processInfo.hostName)] : []))
            try connection.query(
                "UPDATE etl_control SET last_run_id = ?2, last_status = 'running', last_run_at = ?3 WHERE id = ?1",
                [.text(entryID), .text(runID), .text(now)])
        }
    }

    package func finishRun(_ result: EntryRunResult) throws {
        try connection.stampedTransaction { now throws(StateDatabaseError) in
            try connection.query(
                """
                UPDATE etl_runs SET ended_at = ?3, status = ?4, rows_read = ?5, rows_written = ?6, rows_rejected = ?7,
                  watermark_after = ?8, error = ?9, reads = coalesce(?10, reads) WHERE run_id = ?1 AND entry_id = ?2
                """,
                [
                    .text(result.runID), .text(result.entryID), .text(now), .text(result.status.rawValue),
                    .integer(Int64(result.rowsRead)), .integer(Int64(result.rowsWritten)), .integer(Int64(result.rowsRejected)),
                    SQLiteValue(result.watermark), SQLiteValue(result.error), SQLiteValue(result.reads.map(RunReads.stored)),
                ])
            try connection.query(
                "UPDATE etl_control SET last_status = ?2, last_error = ?3 WHERE id = ?1",
                [.text(result.entryID), .text(result.status.rawValue), SQLiteValue(result.error)])
        }
    }

    /// Records rejected records. A record rejected again (the batch that held it failed and is
    /// read again by a later run) stays one row: its `last_run_id` and `times_seen` move on.
    /// The existing row's columns are named with the table: PostgreSQL finds a bare `times_seen`
    /// ambiguous in DO UPDATE (the row or `excluded`), and refused every reject of a state in it.
    package func recordRejects(_ rejects: [SourceReject], runID: String, entryID: String) throws {
        guard !rejects.isEmpty else { return }
        try connection.stampedTransaction { now throws(StateDatabaseError) in
            for reject in rejects {
                try connection.query(
                    """
                    INSERT INTO etl_rejects (run_id, last_run_id, entry_id, position, raw, reason, recorded_at)
                    VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6)
                    ON CONFLICT (entry_id, position, raw, reason) DO UPDATE SET
                      times_seen = etl_rejects.times_seen + CASE WHEN etl_rejects.last_run_id = ?1 THEN 0 ELSE 1 END,
                      last_run_id = ?1
                    """,
                    [.text(runID), .text(entryID), .text(reject.position), .text(reject.raw), .text(reject.reason), .text(now)])
            }
        }
    }

    /// Runs left 'running' by a process that no longer exists (killed): marked as such. In a
    /// shared (PostgreSQL) state a pid says nothing about other hosts: a run is dead when its
    /// entry's claim (`EntryClaim`, an advisory lock that dies with its connection) is free.
    package func markAbandonedRuns() throws {
        let rows = try connection.query("SELECT run_id, entry_id, pid FROM etl_runs WHERE status = 'running'")
        for row in rows {
            if location.isShared {
                let free = try connection.query(
                    "SELECT CASE WHEN pg_try_advisory_lock(\(EntryClaim.keySQL)) THEN pg_advisory_unlock(\(EntryClaim.keySQL)) ELSE false END",
                    [.text(EntryClaim.keyText(schema: stateSchema, entryID: row[1].text ?? ""))])
                guard free.first?.first?.text == "t" else { continue }
            } else {
                guard let pid = row[2].integer, !ProcessLiveness.isRunning(pid_t(pid)) else { continue }
            }
            try connection.query(
                "UPDATE etl_runs SET status = 'killed', ended_at = ?3, error = 'the process ended without finishing the run (killed or crashed); the next run resumes from the last checkpoint' WHERE run_id = ?1 AND entry_id = ?2 AND status = 'running'",
                [row[0], row[1], .text(now())])
            try connection.query(
                "UPDATE etl_control SET last_status = 'killed' WHERE id = ?1 AND last_run_id = ?2", [row[1], row[0]])
        }
    }

    /// The schema of a shared state, "" for a file.
    private var stateSchema: String {
        if case .server(let server) = location { return server.schema }
        return ""
    }

    /// True when another run of `entryID` that started at or after `since` (a time of this
    /// state's clock, `now()`) succeeded: in a shared state, another host ran it in this round.
    package func succeededElsewhere(entryID: String, since: String, exceptRunID runID: String) throws -> Bool {
        try !connection.query(
            "SELECT 1 FROM etl_runs WHERE entry_id = ?1 AND status = 'ok' AND started_at >= ?2 AND run_id <> ?3 LIMIT 1",
            [.text(entryID), .text(since), .text(runID)]).isEmpty
    }

    /// The control table, in id order.
    package func controlRows() throws -> [ControlRow] {
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
    package func runs(entryID: String?, limit: Int) throws -> [RunRecord] {
        var sql = """
            SELECT run_id, entry_id, started_at, ended_at, status, rows_read, rows_written, rows_rejected,
              watermark_after, error, pid, reads, \(connection.dialect.runHost) FROM etl_runs
            """
        var values: [SQLiteValue] = []
        if let entryID {
            sql += " WHERE entry_id = ?"
            values.append(.text(entryID))
        }
        sql += " ORDER BY started_at DESC, \(connection.dialect.insertionOrder) DESC LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try connection.query(sql, values).map { row in
            RunRecord(
                runID: row[0].text ?? "", entryID: row[1].text ?? "", startedAt: row[2].text ?? "", endedAt: row[3].text,
                status: row[4].text ?? "", rowsRead: Int(row[5].integer ?? 0), rowsWritten: Int(row[6].integer ?? 0),
                rowsRejected: Int(row[7].integer ?? 0), watermark: row[8].text, error: row[9].text, pid: Int(row[10].integer ?? 0),
                reads: RunReads.parse(row[11].text), host: row[12].text)
        }
    }

    /// What the newest run of `entryID` that got as far as reading read (see `RunReads`), with
    /// that run's id; nil when no run of it recorded what it read.
    package func lastReads(entryID: String) throws -> (runID: String, reads: [String])? {
        let rows = try connection.query(
            "SELECT run_id, reads FROM etl_runs WHERE entry_id = ?1 AND reads IS NOT NULL ORDER BY started_at DESC, \(connection.dialect.insertionOrder) DESC LIMIT 1",
            [.text(entryID)])
        guard let row = rows.first, let reads = RunReads.parse(row[1].text) else { return nil }
        return (row[0].text ?? "", reads)
    }

    /// Rejected rows of an entry (newest run first), for tests and `history`.
    package func rejects(entryID: String, runID: String? = nil) throws -> [SourceReject] {
        var sql = "SELECT position, raw, reason FROM etl_rejects WHERE entry_id = ?1"
        var values: [SQLiteValue] = [.text(entryID)]
        if let runID {
            sql += " AND (run_id = ?2 OR last_run_id = ?2)"
            values.append(.text(runID))
        }
        sql += " ORDER BY id"
        return try connection.query(sql, values).map { SourceReject(position: $0[0].text ?? "", raw: $0[1].text ?? "", reason: $0[2].text ?? "") }
    }
}

/// Process-wide SQLite settings, applied once before any database (the state database
/// or a plugin's, which share the one system library) is opened.
package enum SQLiteProcessSettings {
    /// Turns off SQLite's memory statistics (a global mutex per allocation).
    package static func apply() {
        _ = etl_sqlite_disable_memory_statistics()
    }
}
