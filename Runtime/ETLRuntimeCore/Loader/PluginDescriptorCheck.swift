import CETLPlugin
import CETLPluginLayout

/// Checks one `etl_plugin_descriptor` and copies out what the runtime needs. Every
/// pointer is checked before it is followed; sizes are checked before fields are read.
enum PluginDescriptorCheck {
    struct Summary {
        var name: String
        var kind: PluginKind
        var version: String
        var description: String
        var capabilities: [String]
        var configSchemaJSON: String
        /// ABI 1.2: the JSON Schema of the entry options the plugin honours; nil when it honours
        /// none (or its descriptor predates 1.2).
        var entryOptionsSchemaJSON: String?
    }

    static func check(_ pointer: UnsafePointer<etl_plugin_descriptor>?, index: Int) -> Result<Summary, LoadProblem> {
        // Read no further than struct_size: an ABI 1.0 descriptor is smaller than this header's.
        guard let descriptor = pointer.map(SizedStructCopy.load) else {
            return .failure(LoadProblem("plugins[\(index)] is NULL"))
        }
        let where_ = "plugins[\(index)]"
        // Plugins built against ABI 1.0 are smaller than this header's structs: 1.0's sizes are the floor.
        let minimum = Int(etl_layout_plugin_descriptor_size_1_0)
        guard Int(descriptor.struct_size) >= minimum else {
            return .failure(LoadProblem("\(where_): descriptor struct_size is \(descriptor.struct_size), smaller than ABI 1.0's \(minimum); set struct_size = sizeof(etl_plugin_descriptor)"))
        }
        guard let namePointer = descriptor.name else {
            return .failure(LoadProblem("\(where_): descriptor name is NULL"))
        }
        let name = String(cString: namePointer)
        guard isValidName(name) else {
            return .failure(LoadProblem("\(where_): plugin name \"\(name)\" is not valid; use lower-case letters, digits and _ (starting with a letter)"))
        }
        let label = "plugin \"\(name)\""
        guard let schemaPointer = descriptor.config_schema_json else {
            return .failure(LoadProblem("\(label): config_schema_json is NULL; publish at least {\"type\": \"object\"}"))
        }
        let kind: PluginKind
        switch descriptor.kind {
        case ETL_KIND_SOURCE:
            kind = .source
            if let problem = sourceProblem(descriptor.source) { return .failure(LoadProblem("\(label): \(problem)")) }
        case ETL_KIND_SINK:
            kind = .sink
            if let problem = sinkProblem(descriptor.sink) { return .failure(LoadProblem("\(label): \(problem)")) }
        default:
            return .failure(LoadProblem("\(label): unknown kind \(descriptor.kind); expected ETL_KIND_SOURCE (1) or ETL_KIND_SINK (2)"))
        }
        return .success(
            Summary(
                name: name, kind: kind,
                version: descriptor.version.map { String(cString: $0) } ?? "",
                description: descriptor.description.map { String(cString: $0) } ?? "",
                capabilities: PluginCapability.names(in: descriptor.capabilities),
                configSchemaJSON: String(cString: schemaPointer),
                entryOptionsSchemaJSON: entryOptionsSchema(descriptor)))
    }

    /// The descriptor's `entry_options_schema_json`, read only when its struct_size holds it (a
    /// 1.0/1.1 descriptor has no such field: what follows it in memory is not the plugin's).
    private static func entryOptionsSchema(_ descriptor: etl_plugin_descriptor) -> String? {
        guard descriptor.struct_size >= etl_layout_plugin_descriptor_size_1_2 else { return nil }
        return descriptor.entry_options_schema_json.map { String(cString: $0) }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func sourceProblem(_ api: UnsafePointer<etl_source_api>?) -> String? {
        guard let api = api.map(SizedStructCopy.load) else { return "kind is source but the source function table is NULL" }
        let minimum = Int(etl_layout_source_api_size_1_0)
        guard Int(api.struct_size) >= minimum else {
            return "etl_source_api.struct_size is \(api.struct_size), smaller than ABI 1.0's \(minimum)"
        }
        // ABI 1.1: `create` may be NULL when create_with_descriptor stands in for it.
        let hasCreate = api.create != nil
            || api.struct_size >= etl_layout_source_api_size_1_1 && api.create_with_descriptor != nil
        let missing = [
            ("create", !hasCreate), ("destroy", api.destroy == nil), ("check", api.check == nil),
            ("discover", api.discover == nil), ("read", api.read == nil), ("checkpoint", api.checkpoint == nil),
        ].filter(\.1).map(\.0)
        return missing.isEmpty ? nil : "source functions missing (NULL): \(missing.joined(separator: ", "))"
    }

    private static func sinkProblem(_ api: UnsafePointer<etl_sink_api>?) -> String? {
        guard let api = api.map(SizedStructCopy.load) else { return "kind is sink but the sink function table is NULL" }
        let minimum = Int(etl_layout_sink_api_size_1_0)
        guard Int(api.struct_size) >= minimum else {
            return "etl_sink_api.struct_size is \(api.struct_size), smaller than ABI 1.0's \(minimum)"
        }
        let hasCreate = api.create != nil
            || api.struct_size >= etl_layout_sink_api_size_1_1 && api.create_with_descriptor != nil
        // execute_sql is optional.
        let missing = [
            ("create", !hasCreate), ("destroy", api.destroy == nil), ("check", api.check == nil),
            ("begin", api.begin == nil), ("write", api.write == nil), ("commit", api.commit == nil),
            ("abort", api.abort == nil), ("read_state", api.read_state == nil),
        ].filter(\.1).map(\.0)
        return missing.isEmpty ? nil : "sink functions missing (NULL): \(missing.joined(separator: ", "))"
    }
}
