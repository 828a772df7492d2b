import CETLPlugin

/// Builds the permanent C structures the host reads: descriptors, function tables and the
/// library. Everything is allocated once and never freed ([plugin-owned, static]).
enum CTableBuilder {
    /// A permanent `etl_plugin_descriptor` for `plugin`. Its table's `create_with_descriptor` finds
    /// the plugin's type through `user_data`; its ABI 1.0 `create` stays NULL (the library refuses
    /// hosts older than 1.1 in `PluginLibrary.entry`).
    static func makeDescriptor(for plugin: PluginRegistration) -> UnsafePointer<etl_plugin_descriptor> {
        let swiftDescriptor = plugin.descriptor
        var descriptor = etl_plugin_descriptor()
        descriptor.struct_size = UInt32(MemoryLayout<etl_plugin_descriptor>.size)
        descriptor.name = PermanentCString.make(swiftDescriptor.name)
        descriptor.version = PermanentCString.make(swiftDescriptor.version)
        descriptor.description = PermanentCString.make(swiftDescriptor.description)
        descriptor.capabilities = swiftDescriptor.capabilities.rawValue
        descriptor.config_schema_json = PermanentCString.make(swiftDescriptor.configSchema)
        descriptor.user_data = PluginRegistry.userData(for: plugin)
        descriptor.entry_options_schema_json = swiftDescriptor.entryOptionsSchema.map(PermanentCString.make)
        switch plugin.kind {
        case .sink:
            descriptor.kind = etl_plugin_kind(ETL_KIND_SINK)
            descriptor.sink = permanent(makeSinkAPI(offersSQL: swiftDescriptor.capabilities.contains(.sql),
                                                   offersModels: swiftDescriptor.capabilities.contains(.models)))
        case .source:
            descriptor.kind = etl_plugin_kind(ETL_KIND_SOURCE)
            descriptor.source = permanent(makeSourceAPI())
        }
        return permanent(descriptor)
    }

    /// A permanent `etl_plugin_library` listing `descriptors`.
    static func makeLibrary(descriptors: [UnsafePointer<etl_plugin_descriptor>?]) -> UnsafePointer<etl_plugin_library> {
        let list = UnsafeMutablePointer<UnsafePointer<etl_plugin_descriptor>?>.allocate(capacity: descriptors.count)
        list.initialize(from: descriptors, count: descriptors.count)
        var library = etl_plugin_library()
        library.struct_size = UInt32(MemoryLayout<etl_plugin_library>.size)
        library.abi_major = UInt16(ETL_PLUGIN_ABI_MAJOR)
        library.abi_minor = UInt16(ETL_PLUGIN_ABI_MINOR)
        library.plugin_count = Int32(descriptors.count)
        library.plugins = UnsafePointer(list)
        return permanent(library)
    }

    private static func makeSinkAPI(offersSQL: Bool, offersModels: Bool) -> etl_sink_api {
        var api = etl_sink_api()
        api.struct_size = UInt32(MemoryLayout<etl_sink_api>.size)
        api.create_with_descriptor = { InstanceBridge.create(descriptor: $0, host: $1, hostInstance: $2, configJSON: $3, outInstance: $4, error: $5) }
        api.destroy = { SinkBridge.destroy($0) }
        api.check = { SinkBridge.check($0, error: $1) }
        api.begin = { SinkBridge.begin($0, request: $1, error: $2) }
        api.write = { SinkBridge.write($0, batch: $1, error: $2) }
        api.commit = { SinkBridge.commit($0, stateJSON: $1, outRows: $2, error: $3) }
        api.abort = { SinkBridge.abort($0, error: $1) }
        api.read_state = { SinkBridge.readState($0, entryID: $1, outState: $2, error: $3) }
        // The header: NULL when the descriptor lacks ETL_CAP_SQL.
        api.execute_sql = offersSQL ? { SinkBridge.executeSQL($0, sql: $1, error: $2) } : nil
        // The header: NULL when the descriptor lacks ETL_CAP_MODELS.
        api.run_model = offersModels
            ? { SinkBridge.runModel($0, request: $1, outRows: $2, outState: $3, outReads: $4, error: $5) } : nil
        api.check_load = { SinkBridge.checkLoad($0, request: $1, error: $2) }
        return api
    }

    private static func makeSourceAPI() -> etl_source_api {
        var api = etl_source_api()
        api.struct_size = UInt32(MemoryLayout<etl_source_api>.size)
        api.create_with_descriptor = { InstanceBridge.create(descriptor: $0, host: $1, hostInstance: $2, configJSON: $3, outInstance: $4, error: $5) }
        api.destroy = { SourceBridge.destroy($0) }
        api.check = { SourceBridge.check($0, error: $1) }
        api.discover = { SourceBridge.discover($0, outCatalog: $1, error: $2) }
        api.read = { SourceBridge.read($0, request: $1, outStream: $2, error: $3) }
        api.checkpoint = { SourceBridge.checkpoint($0, outState: $1, error: $2) }
        api.check_read = { SourceBridge.checkRead($0, request: $1, error: $2) }
        return api
    }

    private static func permanent<T>(_ value: T) -> UnsafePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
        pointer.initialize(to: value)
        return UnsafePointer(pointer)
    }
}
