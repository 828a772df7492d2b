import CETLPlugin
import CETLPluginLayout

extension ModelRequest {
    /// The options as a `PluginConfig` whose messages say "options.<key>"; empty when absent.
    public func options() throws(PluginError) -> PluginConfig {
        guard let optionsJSON else { return PluginConfig(members: [:], path: "options") }
        return try PluginConfig(parsing: optionsJSON, path: "options")
    }

    /// Copies a C request, refusing what this plugin cannot read.
    init(copying request: UnsafePointer<etl_model_request>) throws(PluginError) {
        let raw = request.pointee
        guard raw.struct_size >= etl_layout_model_request_size_1_2 else {
            throw .internalError("etl_model_request.struct_size is \(raw.struct_size), smaller than ABI 1.2's \(etl_layout_model_request_size_1_2): the host is broken")
        }
        guard let entryID = raw.entry_id, let target = raw.target, let sql = raw.sql else {
            throw .internalError("etl_model_request has a NULL entry_id, target or sql: the host is broken")
        }
        guard let materialization = Materialization(cValue: raw.materialization) else {
            throw .unsupported("materialization \(raw.materialization) is unknown to this plugin; upgrade the plugin or use table, incremental or view")
        }
        var primaryKey: [String] = []
        if raw.primary_key_count > 0 {
            guard let names = raw.primary_key else {
                throw .internalError("etl_model_request.primary_key is NULL with primary_key_count \(raw.primary_key_count): the host is broken")
            }
            for index in 0..<Int(raw.primary_key_count) {
                guard let name = names[index] else {
                    throw .internalError("etl_model_request.primary_key[\(index)] is NULL: the host is broken")
                }
                primaryKey.append(String(cString: name))
            }
        }
        func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        self.init(entryID: String(cString: entryID), runID: text(raw.run_id) ?? "", target: String(cString: target),
                  sql: String(cString: sql), materialization: materialization, primaryKey: primaryKey,
                  cursorField: text(raw.cursor_field), stateJSON: text(raw.state_json),
                  initialValueJSON: text(raw.initial_value_json), optionsJSON: text(raw.options_json))
    }
}
