import CETLPlugin

/// Creates every source and sink of a manifest once, as `run` would, and asks each source whether
/// it would accept each entry's read request (`check_read`, ABI 1.2), so that a config a plugin
/// refuses only when it is created (an unset `token_env` variable, values its schema cannot
/// express) or a read it would refuse (an option its path needs, an incremental entry on a stream
/// that cannot be read incrementally) is found by `validate` and `run --dry-run`, not at 3 a.m.
/// by `run`.
///
/// Creating an instance is what every run does first; plugins do no data work in `create`
/// (a database sink may create its empty file).
package enum PluginConfigCheck {
    /// What the entry checks read: the state database (nil when there is none yet: every entry
    /// starts afresh) and whether the run reloads from scratch (`run --dry-run --full-refresh`).
    package struct EntryReads {
        package var entries: [ControlEntry]
        package var state: StateDatabase?
        package var fullRefresh: Bool

        package init(entries: [ControlEntry], state: StateDatabase?, fullRefresh: Bool = false) {
            self.entries = entries
            self.state = state
            self.fullRefresh = fullRefresh
        }
    }

    /// One issue per endpoint whose plugin refused its config (status ETL_INVALID_CONFIG) or
    /// could not be loaded, with the endpoint's line and JSON path; then, for each entry of
    /// `reads` whose source was created, one issue when the source's `check_read` refuses the
    /// read request the run would send (ABI 1.2), with the entry's line and JSON path.
    package static func issues(
        _ manifest: Manifest, catalog: PluginCatalog, file: String, reads: EntryReads? = nil
    ) throws -> [ManifestIssue] {
        let redact: @Sendable (String) -> String = { [manifest] in manifest.redacting($0) }
        var issues: [ManifestIssue] = []
        var sources: [String: SourceInstance] = [:]
        var sinkPlugins: [String: LoadedPlugin] = [:]
        for endpoint in manifest.sources + manifest.sinks {
            if let problem = endpoint.pluginProblem {
                // Its plugin cannot be used at all: say why, not that it "refuses this config".
                issues.append(ManifestIssue(file: file, line: endpoint.line, jsonPath: endpoint.jsonPath + ".plugin", message: problem))
                continue
            }
            do {
                let plugin = try catalog.loadPlugin(named: endpoint.plugin, kind: endpoint.kind)
                if endpoint.kind == .source {
                    sources[endpoint.name] = try SourceInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                } else {
                    _ = try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                    sinkPlugins[endpoint.name] = plugin
                }
            } catch let call as PluginCallError {
                // Any other refusal is not the config's fault (a plugin that cannot start): `run` reports it.
                guard call.status == ETL_INVALID_CONFIG else { continue }
                issues.append(issue(endpoint, call.message, manifest, file))
            } catch {
                issues.append(issue(endpoint, "\(error)", manifest, file))
            }
        }
        guard let reads else { return issues }
        let states = manifest.secretForm
        // Each source's streams, discovered at most once, and only when its config declares their columns.
        var discovered: [String: [StreamSchema]] = [:]
        for entry in reads.entries {
            guard let source = sources[entry.source] else { continue }
            let stored = try reads.state?.watermark(entryID: entry.id).state
            let request = ReadRequest.forEntry(entry, startState: states.expanded(stored), fullRefresh: reads.fullRefresh)
            do {
                try source.checkRead(request)
            } catch {
                let refusal = error.status == ETL_INVALID_CONFIG
                    ? "refuses this entry"
                    : "could not check this entry (\(PluginStatus.name(error.status)))"
                issues.append(ManifestIssue(
                    file: file, line: entry.line, jsonPath: entry.jsonPath,
                    message: "source \"\(entry.source)\" (plugin \"\(source.plugin.info.name)\") \(refusal): \(manifest.redacting(error.message))"))
            }
            if !entry.transforms.isEmpty, let endpoint = manifest.sources.first(where: { $0.name == entry.source }),
                TransformSchemaCheck.declaresColumns(endpoint.config) {
                if discovered[entry.source] == nil { discovered[entry.source] = (try? source.discover()) ?? [] }
                if let issue = TransformSchemaCheck.issue(entry, streams: discovered[entry.source] ?? [], file: file, sink: sinkPlugins[entry.sink]) {
                    issues.append(issue)
                }
            }
        }
        return issues
    }

    private static func issue(_ endpoint: ManifestEndpoint, _ reason: String, _ manifest: Manifest, _ file: String) -> ManifestIssue {
        ManifestIssue(
            file: file, line: endpoint.line, jsonPath: endpoint.jsonPath + ".config",
            message: "plugin \"\(endpoint.plugin)\" refuses this config: \(manifest.redacting(reason))")
    }
}
