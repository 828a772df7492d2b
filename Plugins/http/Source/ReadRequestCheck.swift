import ETLPluginKit

/// What `read` would refuse from the request alone, found without a request to the API: the
/// source's `check_read`, which `validate` and `run --dry-run` call for every entry.
enum ReadRequestCheck {
    /// Refuses a request whose read could not work: a stream not in the config, options that fill
    /// no placeholder or placeholders no option fills, an incremental entry on a stream without
    /// `incremental`, a resume state or `initial_value` the stream's format cannot read.
    static func check(_ request: ReadRequest, settings: HTTPSourceSettings) throws(PluginError) {
        let stream = try settings.stream(request.stream)
        let variables = try EntryOptionVariables.values(request)
        try EntryOptionVariables.refuseUnused(variables, stream: stream)
        var watermark: String?
        if request.cursorField != nil {
            let incremental = try incrementalSettings(stream, request)
            try refuseUnsortedRunLimit(stream, incremental, options: try request.options())
            _ = try startCursor(request.stateJSON, incremental)
            if let initial = try initialCursor(request.initialValueJSON, incremental) {
                watermark = incremental.format.render(microseconds: initial.microseconds)
            }
        }
        // Renders the first request as `read` would (no I/O): every {placeholder} must have a value.
        _ = try RequestBuilder(stream: stream, baseURL: settings.baseURL, variables: variables, watermark: watermark)
            .request(paging: [])
    }

    /// The cursor a resume state holds, nil for none: no state, or the JSON `null` a first run
    /// checkpoints before its read completes (the next read starts from `initial_value`).
    static func startCursor(_ state: String?, _ incremental: IncrementalSettings) throws(PluginError) -> CursorValue? {
        guard let state else { return nil }
        let text = state[...].trimmingWhitespace()
        guard !text.isEmpty, text != "null" else { return nil }
        return try CursorValue.fromState(text, format: incremental.cursorFormat)
    }

    /// The entry's `initial_value` as a cursor, nil when it has none.
    static func initialCursor(_ initialJSON: String?, _ incremental: IncrementalSettings) throws(PluginError) -> CursorValue? {
        guard let initialJSON else { return nil }
        let value: JSONValue
        do throws(JSONSyntaxError) { value = try JSONValue(parsing: initialJSON) } catch {
            throw .invalidConfig("the entry's initial_value is not JSON: \(error.message)")
        }
        guard let cursor = CursorValue(value, format: incremental.cursorFormat) else {
            throw .invalidConfig("the entry's initial_value \(initialJSON) is not an ISO 8601 timestamp or an epoch number")
        }
        return cursor
    }

    /// An unsorted stream's watermark moves only at the end of a complete read, so a per-run
    /// record limit would keep it from ever moving.
    static func refuseUnsortedRunLimit(_ stream: StreamSettings, _ incremental: IncrementalSettings, options: PluginConfig) throws(PluginError) {
        let perRun = try options.int("max_records_per_run", default: 0)
        guard !incremental.sortedByCursor, perRun > 0 else { return }
        throw .invalidConfig("the entry reads stream \"\(stream.name)\" incrementally with max_records_per_run \(perRun), but config.streams.\(stream.name).incremental does not set sorted_by_cursor: records come in no known order, so the watermark only moves at the end of a complete read and a limited run would never move it. Set \"sorted_by_cursor\": true if the API returns records sorted by the cursor, or drop max_records_per_run")
    }

    /// The stream's `incremental` object, which an incremental entry (one with a cursor_field) needs.
    static func incrementalSettings(_ stream: StreamSettings, _ request: ReadRequest) throws(PluginError) -> IncrementalSettings {
        guard let incremental = stream.incremental else {
            throw .invalidConfig("the entry reads stream \"\(stream.name)\" incrementally (cursor_field \(request.cursorField ?? "")) but config.streams.\(stream.name) has no \"incremental\" object; add {\"param\": ..., \"cursor_path\": ...} to the stream, or make the entry's mode \"full\"")
        }
        return incremental
    }
}
