import CETLPlugin
import CETLPluginLayout
import ETLArrow

extension LoadRequest {
    /// The options as a `PluginConfig` whose messages say "options.<key>"; empty when absent.
    /// - Throws: `ETL_INVALID_CONFIG` when the text is not a JSON object.
    public func options() throws(PluginError) -> PluginConfig {
        guard let optionsJSON else { return PluginConfig(members: [:], path: "options") }
        return try PluginConfig(parsing: optionsJSON, path: "options")
    }

    /// The entry's own `options` (the member `entry_options` of the options, ABI 1.2); see
    /// `ReadRequest.entryOptions()`. Empty when the entry sets none.
    public func entryOptions() throws(PluginError) -> PluginConfig {
        try options().optionalObject(ReadRequest.entryOptionsKey).map { PluginConfig(members: $0.members, path: "options") }
            ?? PluginConfig(members: [:], path: "options")
    }

    /// Copies a C request, refusing what this plugin cannot read (an unknown write mode, a schema
    /// outside the supported column formats, a NULL field the header requires). With
    /// `schemaMayBeMissing` (`check_load`), a NULL schema becomes an empty one.
    init(copying request: UnsafePointer<etl_load_request>, schemaMayBeMissing: Bool = false) throws(PluginError) {
        let raw = request.pointee
        guard raw.struct_size >= etl_layout_load_request_size_1_0 else {
            throw .internalError("etl_load_request.struct_size is \(raw.struct_size), smaller than ABI 1.0's \(etl_layout_load_request_size_1_0): the host is broken")
        }
        guard let target = raw.target, let entryID = raw.entry_id else {
            throw .internalError("etl_load_request has a NULL target or entry_id: the host is broken")
        }
        guard let mode = WriteMode(cValue: raw.write_mode) else {
            throw .unsupported("write mode \(raw.write_mode) is unknown to this plugin (built for ABI \(ETL_PLUGIN_ABI_MAJOR).\(ETL_PLUGIN_ABI_MINOR)); upgrade the plugin or choose replace, append, merge or scd2")
        }
        let schema: ArrowSchemaDescription
        if let schemaPointer = raw.schema {
            do throws(ArrowError) {
                schema = try ArrowSchemaDescription(importing: schemaPointer)
            } catch {
                throw .unsupported("the load's schema cannot be read: \(error.message)")
            }
        } else if schemaMayBeMissing {
            schema = ArrowSchemaDescription(fields: [])
        } else {
            throw .internalError("etl_load_request.schema is NULL: the host is broken")
        }
        var primaryKey: [String] = []
        if raw.primary_key_count > 0 {
            guard let names = raw.primary_key else {
                throw .internalError("etl_load_request.primary_key is NULL with primary_key_count \(raw.primary_key_count): the host is broken")
            }
            for index in 0..<Int(raw.primary_key_count) {
                guard let name = names[index] else {
                    throw .internalError("etl_load_request.primary_key[\(index)] is NULL: the host is broken")
                }
                primaryKey.append(String(cString: name))
            }
        }
        self.init(entryID: String(cString: entryID), runID: raw.run_id.map { String(cString: $0) } ?? "",
                  target: String(cString: target), writeMode: mode, primaryKey: primaryKey, schema: schema,
                  optionsJSON: raw.options_json.map { String(cString: $0) })
    }
}
