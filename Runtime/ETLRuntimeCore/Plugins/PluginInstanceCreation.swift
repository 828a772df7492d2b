import CETLPlugin
import CETLPluginLayout

/// The C type of `etl_source_api.create` and `etl_sink_api.create`: the ABI gives both the same
/// signature, so one creation path serves either kind of plugin.
typealias PluginCreateFunction = etl_create_fn

/// ABI 1.1's `create_with_descriptor`, also shared by both tables.
typealias PluginCreateWithDescriptorFunction = etl_create_with_descriptor_fn

/// What creation needs of a plugin's function table, whichever kind it is.
protocol PluginCreationTable: SendableMetatype {
    /// The ABI 1.1 `create_with_descriptor`, or nil when the table is older (by its
    /// `struct_size`) or leaves it NULL.
    var createWithDescriptor: PluginCreateWithDescriptorFunction? { get }
}

extension etl_source_api: PluginCreationTable {
    var createWithDescriptor: PluginCreateWithDescriptorFunction? {
        struct_size >= etl_layout_source_api_size_1_1 ? create_with_descriptor : nil
    }
}

extension etl_sink_api: PluginCreationTable {
    var createWithDescriptor: PluginCreateWithDescriptorFunction? {
        struct_size >= etl_layout_sink_api_size_1_1 ? create_with_descriptor : nil
    }
}

/// A plugin instance just created through its API's `create` (or `create_with_descriptor`): the
/// API table, the host context the plugin was handed, and the plugin's instance pointer.
/// `SourceInstance` and `SinkInstance` own what this returns (and destroy the instance).
struct PluginInstanceCreation<API: PluginCreationTable> {
    let api: API
    let context: HostInstanceContext
    let instance: UnsafeMutableRawPointer
    /// Marks each call into the plugin, for crash reports.
    let sites: PluginCallSites

    /// Calls the table's `create_with_descriptor` with the plugin's descriptor when the table has
    /// one (ABI 1.1), else its `create`, with the host's function table, a new instance context
    /// and `configJSON`.
    /// - Parameters:
    ///   - kind: "source" or "sink", named in the refusal when the plugin offers no such API.
    ///   - api: the plugin's table for that kind, nil when it does not implement it. Copied no
    ///     further than its `struct_size`: an ABI 1.0 table is shorter than this header's.
    ///   - create: picks the table's (ABI 1.0) `create` function; NULL is allowed when the table
    ///     has `create_with_descriptor` (the loader checked that one of the two is set).
    /// - Throws: `ETL_UNSUPPORTED` when `api` is nil; the plugin's status and message when
    ///   `create` fails; `ETL_INTERNAL` when it reports success without an instance.
    init(
        kind: String, plugin: LoadedPlugin, api: UnsafePointer<API>?, create: (API) -> PluginCreateFunction?,
        configJSON: String, entryID: String?, redact: (@Sendable (String) -> String)?
    ) throws(PluginCallError) {
        guard let api = api.map(SizedStructCopy.load) else {
            throw PluginCallError(plugin: plugin.info.name, function: "create", status: ETL_UNSUPPORTED, message: "not a \(kind) plugin")
        }
        let context = HostInstanceContext(pluginName: plugin.info.name, entryID: entryID, redact: redact)
        let sites = PluginCallSites(plugin: plugin)
        var error = PluginErrorBuffer()
        var created: UnsafeMutableRawPointer?
        let status = sites["create"].run {
            error.withPointer { errorPointer in
                configJSON.withCString { config in
                    if let createWithDescriptor = api.createWithDescriptor {
                        return createWithDescriptor(plugin.descriptor, HostAPI.table, context.handle, config, &created, errorPointer)
                    }
                    guard let createFunction = create(api) else {
                        HostErrorText.write(ETL_INTERNAL, "the \(kind) table has neither create nor create_with_descriptor", into: errorPointer)
                        return ETL_INTERNAL
                    }
                    return createFunction(HostAPI.table, context.handle, config, &created, errorPointer)
                }
            }
        }
        guard status == ETL_OK, let created else {
            throw PluginCallError(
                plugin: plugin.info.name, function: "create", status: status == ETL_OK ? ETL_INTERNAL : status,
                message: context.redact(error.message(or: status == ETL_OK ? "returned ETL_OK but no instance" : "no message")))
        }
        self.api = api
        self.context = context
        self.instance = created
        self.sites = sites
    }
}
