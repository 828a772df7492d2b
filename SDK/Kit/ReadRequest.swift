import CETLPlugin
import CETLPluginLayout

extension ReadRequest {
    /// The options as a `PluginConfig` whose messages say "options.<key>"; empty when absent.
    /// - Throws: `ETL_INVALID_CONFIG` when the text is not a JSON object.
    public func options() throws(PluginError) -> PluginConfig {
        guard let optionsJSON else { return PluginConfig(members: [:], path: "options") }
        return try PluginConfig(parsing: optionsJSON, path: "options")
    }

    /// The entry's own `options` (the member `entry_options` of the options, ABI 1.2), already
    /// checked by the host against the descriptor's `entryOptionsSchema`; messages say
    /// "options.<key>" as the manifest does. Empty when the entry sets none.
    /// - Throws: `ETL_INVALID_CONFIG` when the options are not JSON or `entry_options` is not an object.
    public func entryOptions() throws(PluginError) -> PluginConfig {
        try options().optionalObject(ReadRequest.entryOptionsKey).map { PluginConfig(members: $0.members, path: "options") }
            ?? PluginConfig(members: [:], path: "options")
    }

    /// Whether the host asks for each row's source position (`"positions": true` in the options,
    /// ABI 1.2): then the stream ends with the `_etl_position` column (see `SourcePositionColumn`).
    /// The host asks only sources that declare `.positions`.
    /// - Throws: `ETL_INVALID_CONFIG` when the options are not JSON or `positions` is not a boolean.
    public var wantsPositions: Bool {
        get throws(PluginError) { try options().optionalBool(ReadRequest.positionsKey) ?? false }
    }

    /// Copies a C request, refusing one the header forbids (NULL stream, batch_size <= 0).
    init(copying request: UnsafePointer<etl_read_request>) throws(PluginError) {
        let raw = request.pointee
        guard raw.struct_size >= etl_layout_read_request_size_1_0 else {
            throw .internalError("etl_read_request.struct_size is \(raw.struct_size), smaller than ABI 1.0's \(etl_layout_read_request_size_1_0): the host is broken")
        }
        guard let stream = raw.stream else {
            throw .internalError("etl_read_request.stream is NULL: the host is broken")
        }
        guard raw.batch_size > 0 else {
            throw .invalidConfig("batch_size must be positive (got \(raw.batch_size))")
        }
        func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        self.init(entryID: text(raw.entry_id) ?? "", stream: String(cString: stream), stateJSON: text(raw.state_json),
                  cursorField: text(raw.cursor_field), initialValueJSON: text(raw.initial_value),
                  batchSize: raw.batch_size, maxBatchBytes: max(0, raw.max_batch_bytes),
                  maxRecords: max(0, raw.max_records), optionsJSON: text(raw.options_json))
    }
}
