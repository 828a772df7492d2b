/// The reads the report needs beyond `status` and `history`: when each entry last succeeded,
/// and a sample of its rejects. Both work on SQLite and PostgreSQL state alike.
extension StateDatabase {
    /// The end of the newest successful run of `entryID` (its start if it has no end), nil if none.
    package func lastSuccessAt(entryID: String) throws -> String? {
        let rows = try connection.query(
            """
            SELECT coalesce(ended_at, started_at) FROM etl_runs WHERE entry_id = ?1 AND status = 'ok'
            ORDER BY started_at DESC, \(connection.dialect.insertionOrder) DESC LIMIT 1
            """, [.text(entryID)])
        return rows.first?[0].text
    }

    /// How many distinct rejects `entryID` has, and the newest `limit` of them.
    package func rejectSample(entryID: String, limit: Int) throws -> (total: Int, newest: [RecordedReject]) {
        let total = try connection.query("SELECT count(*) FROM etl_rejects WHERE entry_id = ?1", [.text(entryID)])
        let rows = try connection.query(
            """
            SELECT coalesce(last_run_id, run_id), position, raw, reason, times_seen, recorded_at FROM etl_rejects
            WHERE entry_id = ?1 ORDER BY id DESC LIMIT ?2
            """, [.text(entryID), .integer(Int64(limit))])
        return (
            Int(total.first?[0].integer ?? 0),
            rows.map {
                RecordedReject(
                    runID: $0[0].text ?? "", position: $0[1].text ?? "", raw: $0[2].text ?? "", reason: $0[3].text ?? "",
                    timesSeen: Int($0[4].integer ?? 1), recordedAt: $0[5].text ?? "")
            }
        )
    }
}

/// One row of `etl_rejects`, as the report shows it.
package struct RecordedReject: Sendable, Equatable {
    /// The run that rejected it last.
    package var runID: String
    package var position: String
    package var raw: String
    package var reason: String
    package var timesSeen: Int
    package var recordedAt: String
}
