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
            if let state = request.stateJSON { _ = try CursorValue.fromState(state, format: incremental.format) }
            if let initial = request.initialValueJSON {
                let value: JSONValue
                do throws(JSONSyntaxError) { value = try JSONValue(parsing: initial) } catch {
                    throw .invalidConfig("the entry's initial_value is not JSON: \(error.message)")
                }
                guard let cursor = CursorValue(value, format: incremental.format) else {
                    throw .invalidConfig("the entry's initial_value \(initial) is not an ISO 8601 timestamp or an epoch number")
                }
                watermark = incremental.format.render(microseconds: cursor.microseconds)
            }
        }
        // Renders the first request as `read` would (no I/O): every {placeholder} must have a value.
        _ = try RequestBuilder(stream: stream, baseURL: settings.baseURL, variables: variables, watermark: watermark)
            .request(paging: [])
    }

    /// The stream's `incremental` object, which an incremental entry (one with a cursor_field) needs.
    static func incrementalSettings(_ stream: StreamSettings, _ request: ReadRequest) throws(PluginError) -> IncrementalSettings {
        guard let incremental = stream.incremental else {
            throw .invalidConfig("the entry reads stream \"\(stream.name)\" incrementally (cursor_field \(request.cursorField ?? "")) but config.streams.\(stream.name) has no \"incremental\" object; add {\"param\": ..., \"cursor_path\": ...} to the stream, or make the entry's mode \"full\"")
        }
        return incremental
    }
}
