/// What freshness, notifications and metrics read of the run history.
extension StateDatabase {
    /// When each entry's newest successful run ended (a `Timestamp`), by entry id.
    package func lastSuccessTimes() throws -> [String: String] {
        var times: [String: String] = [:]
        for row in try connection.query("SELECT entry_id, MAX(ended_at) FROM etl_runs WHERE status = 'ok' GROUP BY entry_id") {
            if let id = row[0].text, let ended = row[1].text { times[id] = ended }
        }
        return times
    }

    /// Each entry's newest run that has ended, by entry id.
    package func lastFinishedRuns() throws -> [String: RunRecord] {
        let rows = try connection.query(
            """
            SELECT run_id, entry_id, started_at, ended_at, status, rows_read, rows_written, rows_rejected, error FROM etl_runs AS r
            WHERE status <> 'running' AND started_at = (
              SELECT MAX(started_at) FROM etl_runs WHERE entry_id = r.entry_id AND status <> 'running')
            """)
        var runs: [String: RunRecord] = [:]
        for row in rows {
            let record = RunRecord(
                runID: row[0].text ?? "", entryID: row[1].text ?? "", startedAt: row[2].text ?? "", endedAt: row[3].text,
                status: row[4].text ?? "", rowsRead: Int(row[5].integer ?? 0), rowsWritten: Int(row[6].integer ?? 0),
                rowsRejected: Int(row[7].integer ?? 0), watermark: nil, error: row[8].text, pid: 0)
            runs[record.entryID] = record
        }
        return runs
    }

    /// How the entry's newest run before `runID` that either succeeded or failed ended (`ok`,
    /// `failed` or `killed`); nil when there was none. Cancelled and skipped runs say nothing
    /// about whether the entry works, so they are passed over.
    package func previousVerdict(entryID: String, before runID: String) throws -> String? {
        try connection.query(
            """
            SELECT status FROM etl_runs WHERE entry_id = ?1 AND run_id <> ?2 AND status IN ('ok', 'failed', 'killed')
            ORDER BY started_at DESC LIMIT 1
            """, [.text(entryID), .text(runID)]
        ).first?[0].text
    }

    /// The freshness level last notified for the entry (`ok` once it was fresh again), kept in
    /// `etl_meta` under `freshness_notified.<entry>`; nil when none was.
    package func notifiedFreshness(entryID: String) throws -> String? {
        try connection.query("SELECT value FROM etl_meta WHERE key = ?1", [.text("freshness_notified." + entryID)]).first?[0].text
    }

    /// Records the freshness level notified for the entry (or `ok`, when it is fresh again).
    package func recordNotifiedFreshness(entryID: String, level: String) throws {
        try connection.query(
            "INSERT INTO etl_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            [.text("freshness_notified." + entryID), .text(level)])
    }
}
