/// The sites of every function the host calls on one plugin, made when an instance is created
/// so that marking a call costs a dictionary lookup, not a lock.
struct PluginCallSites {
    private let sites: [String: PluginCallSite]

    /// The functions of `etl_source_api` / `etl_sink_api` and of the source's stream, as the
    /// header names them.
    init(plugin: LoadedPlugin) {
        let functions = plugin.info.kind == .source
            ? ["create", "destroy", "check", "discover", "check_read", "read", "get_schema", "get_next", "checkpoint", "the release of its stream"]
            : ["create", "destroy", "check", "check_load", "begin", "write", "commit", "abort", "read_state", "execute_sql", "run_model"]
        sites = Dictionary(uniqueKeysWithValues: functions.map { ($0, PluginCallSite.of(plugin, $0)) })
    }

    /// The site of `function`, one of the names above.
    subscript(_ function: String) -> PluginCallSite {
        guard let site = sites[function] else { preconditionFailure("PluginCallSites: no site for \(function)") }
        return site
    }
}
