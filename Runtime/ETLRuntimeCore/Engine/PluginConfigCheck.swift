import CETLPlugin

/// Creates every source and sink of a manifest once, as `run` would, so that a config a plugin
/// refuses only when it is created (an unset `token_env` variable, values its schema cannot
/// express) is found by `validate` and `run --dry-run`, not at 3 a.m. by `run`.
///
/// Creating an instance is what every run does first; plugins do no data work in `create`
/// (a database sink may create its empty file).
package enum PluginConfigCheck {
    /// One issue per endpoint whose plugin refused its config (status ETL_INVALID_CONFIG) or
    /// could not be loaded, with the endpoint's line and JSON path.
    package static func issues(_ manifest: Manifest, catalog: PluginCatalog, file: String) -> [ManifestIssue] {
        let redact: @Sendable (String) -> String = { [manifest] in manifest.redacting($0) }
        var issues: [ManifestIssue] = []
        for endpoint in manifest.sources + manifest.sinks {
            if let problem = endpoint.pluginProblem {
                // Its plugin cannot be used at all: say why, not that it "refuses this config".
                issues.append(ManifestIssue(file: file, line: endpoint.line, jsonPath: endpoint.jsonPath + ".plugin", message: problem))
                continue
            }
            do {
                let plugin = try catalog.loadPlugin(named: endpoint.plugin, kind: endpoint.kind)
                if endpoint.kind == .source {
                    _ = try SourceInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                } else {
                    _ = try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                }
            } catch let call as PluginCallError {
                // Any other refusal is not the config's fault (a plugin that cannot start): `run` reports it.
                guard call.status == ETL_INVALID_CONFIG else { continue }
                issues.append(issue(endpoint, call.message, manifest, file))
            } catch {
                issues.append(issue(endpoint, "\(error)", manifest, file))
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
