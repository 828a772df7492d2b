/// Which control-table entries use each plugin, for `list-plugins`' USED BY column.
package enum PluginUsage {
    /// "kind name" (e.g. "sink sqlite", see `key`) → entry ids, in manifest order. Empty when the manifest does not
    /// load (validate reports why; the listing still shows every plugin).
    package static func entriesByPlugin(manifestPath: String, environment: [String: String]) -> [String: [String]] {
        guard let manifest = ManifestLoader.load(path: manifestPath, environment: environment, plugins: nil).manifest else {
            return [:]
        }
        var usage: [String: [String]] = [:]
        for entry in manifest.controlTable {
            let source = manifest.source(named: entry.source).map { key(.source, $0.plugin) }
            let sink = manifest.sink(named: entry.sink).map { key(.sink, $0.plugin) }
            for plugin in [source, sink].compactMap({ $0 }) where usage[plugin]?.contains(entry.id) != true {
                usage[plugin, default: []].append(entry.id)
            }
        }
        return usage
    }

    /// The usage key of a plugin: a source and a sink may share a name.
    package static func key(_ kind: PluginKind, _ name: String) -> String { "\(kind.rawValue) \(name)" }
}
