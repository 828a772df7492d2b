/// Which control-table entries use each plugin, for `list-plugins`' USED BY column.
public enum PluginUsage {
    /// Plugin name → entry ids, in manifest order. Empty when the manifest does not
    /// load (validate reports why; the listing still shows every plugin).
    public static func entriesByPlugin(manifestPath: String, environment: [String: String]) -> [String: [String]] {
        guard let manifest = ManifestLoader.load(path: manifestPath, environment: environment, plugins: nil).manifest else {
            return [:]
        }
        var usage: [String: [String]] = [:]
        for entry in manifest.controlTable {
            for plugin in [manifest.source(named: entry.source)?.plugin, manifest.sink(named: entry.sink)?.plugin].compactMap({ $0 }) {
                if usage[plugin]?.contains(entry.id) != true { usage[plugin, default: []].append(entry.id) }
            }
        }
        return usage
    }
}
