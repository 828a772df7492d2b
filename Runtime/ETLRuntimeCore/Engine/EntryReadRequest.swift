import ETLJSON

extension ReadRequest {
    /// What an entry asks its source for: the one request `run` and `preview` both send, so a
    /// preview shows the rows the next run would load.
    /// - Parameters:
    ///   - startState: the resume state to start from, as the plugin reads it (secrets expanded);
    ///     ignored unless the read is incremental.
    ///   - fullRefresh: reload from the start (an incremental entry still reads by its cursor, so
    ///     the state it commits is a watermark the next tick resumes from).
    ///   - limit: at most this many records (a preview); nil for the entry's own limit.
    package static func forEntry(_ entry: ControlEntry, startState: String?, fullRefresh: Bool, limit: Int? = nil) -> ReadRequest {
        let incremental = entry.mode == .incremental && !fullRefresh
        var options: [(String, JSONValue)] = [
            ("mode", .string(incremental ? "incremental" : "full")),
            ("primary_key", .array(entry.primaryKey.map { .string($0) })),
            ("null_cursor", .string(entry.nullCursor.rawValue)),
        ]
        if let lookback = entry.lookback { options.append(("lookback_seconds", JSONValue(integerLiteral: lookback.seconds))) }
        if let lag = entry.safetyLag { options.append(("safety_lag_seconds", JSONValue(integerLiteral: lag.seconds))) }
        // The user's own names under a key of their own: they never collide with the runtime's.
        if let entryOptions = entry.options { options.append((ReadRequest.entryOptionsKey, entryOptions)) }
        // Only an entry that loads positions pays for them (validate made sure the source can).
        if entry.asksSourcePositions { options.append((ReadRequest.positionsKey, .bool(true))) }
        // Told apart from a preview's limit: a source whose watermark only moves at the end of a
        // complete read refuses a per-run limit, which would keep it from ever moving.
        if incremental, let perRun = entry.maxRecordsPerRun, perRun > 0 {
            options.append(("max_records_per_run", JSONValue(integerLiteral: Int64(perRun))))
        }
        let byCursor = entry.mode == .incremental
        let entryLimit = incremental ? (entry.maxRecordsPerRun ?? 0) : 0
        let maxRecords = limit.map { entryLimit == 0 ? $0 : min($0, entryLimit) } ?? entryLimit
        return ReadRequest(
            entryID: entry.id, stream: entry.stream, stateJSON: incremental ? startState : nil,
            cursorField: byCursor ? entry.cursorField : nil,
            initialValueJSON: byCursor ? entry.initialValue?.serialized() : nil,
            batchSize: Int64(limit.map { min($0, entry.batchSize) } ?? entry.batchSize), maxBatchBytes: Int64(entry.maxBatchBytes),
            maxRecords: Int64(maxRecords), optionsJSON: JSONValue.object(JSONObject(options)).serialized())
    }
}

extension ReadRequest {
    /// Whether the request asks the source for the `_etl_position` column (`"positions": true`).
    package var asksPositions: Bool {
        guard let optionsJSON, case .object(let options)? = try? JSONValue(parsing: optionsJSON) else { return false }
        return options[ReadRequest.positionsKey] == .bool(true)
    }
}
