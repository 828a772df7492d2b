import CETLPlugin

/// The C type of `etl_source_api.create` and `etl_sink_api.create`: the ABI gives both the same
/// signature, so one creation path serves either kind of plugin.
typealias PluginCreateFunction = @convention(c) (
    UnsafePointer<etl_host_api>?, OpaquePointer?, UnsafePointer<CChar>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<etl_error>?
) -> etl_status

/// A plugin instance just created through its API's `create`: the API table, the host context
/// the plugin was handed, and the plugin's instance pointer. `SourceInstance` and `SinkInstance`
/// own what this returns (and destroy the instance).
struct PluginInstanceCreation<API> {
    let api: API
    let context: HostInstanceContext
    let instance: UnsafeMutableRawPointer
    /// Marks each call into the plugin, for crash reports.
    let sites: PluginCallSites

    /// Calls `create` with the host's function table, a new instance context and `configJSON`.
    /// - Parameters:
    ///   - kind: "source" or "sink", named in the refusal when the plugin offers no such API.
    ///   - api: the plugin's table for that kind, nil when it does not implement it.
    ///   - create: picks the table's `create` function.
    /// - Throws: `ETL_UNSUPPORTED` when `api` is nil; the plugin's status and message when
    ///   `create` fails; `ETL_INTERNAL` when it reports success without an instance.
    init(
        kind: String, plugin: LoadedPlugin, api: UnsafePointer<API>?, create: (API) -> PluginCreateFunction,
        configJSON: String, entryID: String?, redact: (@Sendable (String) -> String)?
    ) throws(PluginCallError) {
        guard let api = api?.pointee else {
            throw PluginCallError(plugin: plugin.info.name, function: "create", status: ETL_UNSUPPORTED, message: "not a \(kind) plugin")
        }
        let context = HostInstanceContext(pluginName: plugin.info.name, entryID: entryID, redact: redact)
        let sites = PluginCallSites(plugin: plugin)
        let createFunction = create(api)
        var error = PluginErrorBuffer()
        var created: UnsafeMutableRawPointer?
        let status = sites["create"].run {
            error.withPointer { errorPointer in
                configJSON.withCString { createFunction(HostAPI.table, context.handle, $0, &created, errorPointer) }
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
