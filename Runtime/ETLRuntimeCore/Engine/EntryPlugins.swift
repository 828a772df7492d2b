/// The source and sink instances an entry runs with, created from the manifest's config.
struct EntryPlugins {
    let source: SourceInstance
    let sink: SinkInstance

    init(entry: ControlEntry, manifest: Manifest, catalog: PluginCatalog) throws {
        guard let sourceEndpoint = manifest.source(named: entry.source), let sinkEndpoint = manifest.sink(named: entry.sink) else {
            throw RunFailure("the manifest has no source \"\(entry.source)\" or sink \"\(entry.sink)\"")
        }
        for endpoint in [sourceEndpoint, sinkEndpoint] {
            if let problem = endpoint.pluginProblem {
                throw PluginLoadFailure(libraryPath: "", reason: "\(endpoint.kind.rawValue) \"\(endpoint.name)\": \(problem)")
            }
        }
        let sourcePlugin = try catalog.loadPlugin(named: sourceEndpoint.plugin, kind: .source)
        let sinkPlugin = try catalog.loadPlugin(named: sinkEndpoint.plugin, kind: .sink)
        let redact: @Sendable (String) -> String = { [manifest] in manifest.redacting($0) }
        source = try SourceInstance(plugin: sourcePlugin, configJSON: sourceEndpoint.configJSON, entryID: entry.id, redact: redact)
        sink = try SinkInstance(plugin: sinkPlugin, configJSON: sinkEndpoint.configJSON, entryID: entry.id, redact: redact)
    }
}
