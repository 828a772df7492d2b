import CETLPlugin
import ETLArrow
import Foundation

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
    /// starts afresh), whether the run reloads from scratch (`run --dry-run --full-refresh`), and
    /// how far the check may go to learn a stream's columns: `validate` stays offline, `run
    /// --dry-run` may ask a database server (`DiscoveryReach`).
    package struct EntryReads {
        package var entries: [ControlEntry]
        package var state: StateDatabase?
        package var fullRefresh: Bool
        package var reach: DiscoveryReach

        package init(entries: [ControlEntry], state: StateDatabase?, fullRefresh: Bool = false, reach: DiscoveryReach) {
            self.entries = entries
            self.state = state
            self.fullRefresh = fullRefresh
            self.reach = reach
        }
    }

    /// What the check found: problems (validate exits 78) and notes (printed, exit 0).
    package struct Findings: Sendable {
        package var issues: [ManifestIssue] = []
        /// Things validate could not check now and `run` checks later, e.g. transforms whose
        /// stream's columns only the run can know (`TransformSchemaCheck.deferredNote`).
        package var notes: [ManifestIssue] = []
    }

    /// One issue per endpoint whose plugin refused its config (status ETL_INVALID_CONFIG) or
    /// could not be loaded, with the endpoint's line and JSON path; then, for each entry of
    /// `reads` whose source was created, one issue when the source's `check_read` refuses the
    /// read request the run would send (ABI 1.2), with the entry's line and JSON path; then, when
    /// the source can tell the stream's columns within `reads.reach` (`OfflineDiscovery`), the
    /// first mistake of each entry's transforms against them, or a column its sink cannot receive
    /// (a decimal for a sink built before ABI 1.2, also from an entry without transforms); a note
    /// saying why when the columns cannot be told now.
    package static func check(
        _ manifest: Manifest, catalog: PluginCatalog, file: String, reads: EntryReads? = nil
    ) throws -> Findings {
        let redact: @Sendable (String) -> String = { [manifest] in manifest.redacting($0) }
        var findings = Findings()
        var sources: [String: SourceInstance] = [:]
        var sinks: [String: SinkInstance] = [:]
        var sinkPlugins: [String: LoadedPlugin] = [:]
        for endpoint in manifest.sources + manifest.sinks {
            if let problem = endpoint.pluginProblem {
                // Its plugin cannot be used at all: say why, not that it "refuses this config".
                findings.issues.append(ManifestIssue(file: file, line: endpoint.line, jsonPath: endpoint.jsonPath + ".plugin", message: problem))
                continue
            }
            do {
                let plugin = try catalog.loadPlugin(named: endpoint.plugin, kind: endpoint.kind)
                if endpoint.kind == .source {
                    sources[endpoint.name] = try SourceInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                } else {
                    sinks[endpoint.name] = try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: redact)
                    sinkPlugins[endpoint.name] = plugin
                }
            } catch let call as PluginCallError {
                // Any other refusal is not the config's fault (a plugin that cannot start): `run` reports it.
                guard call.status == ETL_INVALID_CONFIG else { continue }
                findings.issues.append(issue(endpoint, call.message, manifest, file))
            } catch {
                findings.issues.append(issue(endpoint, "\(error)", manifest, file))
            }
        }
        guard let reads else { return findings }
        let states = manifest.secretForm
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
                findings.issues.append(ManifestIssue(
                    file: file, line: entry.line, jsonPath: entry.jsonPath,
                    message: "source \"\(entry.source)\" (plugin \"\(source.plugin.info.name)\") \(refusal): \(manifest.redacting(error.message))"))
            }
        }
        // Columns last: a source whose discover missed its deadline is never called again.
        var columns = StreamColumns(manifest: manifest, sources: sources, reach: reads.reach)
        for entry in reads.entries where sources[entry.source] != nil {
            let sink = sinkPlugins[entry.sink]
            let loadCheck = sinks[entry.sink].flatMap { $0.checksLoads ? $0 : nil }
            let transformed = !entry.transforms.isEmpty || entry.deleteWhen != nil
            // Without transforms the only things to check are what the sink receives (only a
            // sink built before decimals, ABI 1.2, refuses a column type) and the sink's own
            // check of the load (ABI 1.4).
            guard transformed || sink.map(SinkColumnTypeCheck.refusesDecimals) == true || loadCheck != nil else { continue }
            switch columns.schema(entry) {
            case .known(let schema):
                if let issue = TransformSchemaCheck.issue(entry, schema: schema, file: file, sink: sink) {
                    findings.issues.append(issue)
                } else if let loadCheck, let issue = loadIssue(entry, sink: loadCheck, sourceSchema: schema, reads: reads, manifest: manifest, file: file) {
                    findings.issues.append(issue)
                }
            case .unknown(let why):
                if let loadCheck, let issue = loadIssue(entry, sink: loadCheck, sourceSchema: nil, reads: reads, manifest: manifest, file: file) {
                    findings.issues.append(issue)
                }
                guard transformed || sink.map(SinkColumnTypeCheck.refusesDecimals) == true else { continue }
                if !transformed, let sink {
                    findings.notes.append(SinkColumnTypeCheck.deferredNote(entry, sink: sink, why: why, file: file))
                } else {
                    findings.notes.append(TransformSchemaCheck.deferredNote(entry, why: why, file: file))
                }
            }
        }
        return findings
    }

    /// The sink's answer to the load request `entry`'s run would send (`check_load`, ABI 1.4):
    /// with the columns the transforms make of `sourceSchema`, or without columns when the
    /// stream's cannot be told now. nil when the sink accepts it.
    private static func loadIssue(_ entry: ControlEntry, sink: SinkInstance, sourceSchema: ArrowSchemaDescription?,
                                  reads: EntryReads, manifest: Manifest, file: String) -> ManifestIssue? {
        let writeMode = LoadRequest.writeMode(of: entry, fullRefresh: reads.fullRefresh)
        var columns = ArrowSchemaDescription(fields: [])
        var deleteColumn: String?
        if let sourceSchema {
            // A transform mistake was reported already; the stage only tells the sink's columns.
            guard let stage = try? EntryTransformStage(entry: entry, writeMode: writeMode, schema: sourceSchema, runID: "", started: Date()) else {
                return nil
            }
            columns = stage.outputSchema
            deleteColumn = stage.deleteColumn
        } else if entry.deleteWhen != nil, DeleteFlagStep.Handling(for: writeMode) == .flag {
            deleteColumn = DeleteRule.flagColumn
        }
        let request = LoadRequest(
            entryID: entry.id, runID: "", target: entry.target, writeMode: writeMode, primaryKey: entry.primaryKey, schema: columns,
            optionsJSON: LoadRequest.optionsJSON(for: entry, stateOwner: reads.state?.stateID, takeOwnership: false, deleteColumn: deleteColumn))
        do throws(PluginCallError) {
            try sink.checkLoad(request, schemaKnown: sourceSchema != nil)
            return nil
        } catch {
            let refusal = error.status == ETL_INVALID_CONFIG
                ? "refuses this entry"
                : "could not check this entry (\(PluginStatus.name(error.status)))"
            return ManifestIssue(
                file: file, line: entry.line, jsonPath: entry.jsonPath,
                message: "sink \"\(entry.sink)\" (plugin \"\(sink.plugin.info.name)\") \(refusal): \(manifest.redacting(error.message))")
        }
    }

    private static func issue(_ endpoint: ManifestEndpoint, _ reason: String, _ manifest: Manifest, _ file: String) -> ManifestIssue {
        ManifestIssue(
            file: file, line: endpoint.line, jsonPath: endpoint.jsonPath + ".config",
            message: "plugin \"\(endpoint.plugin)\" refuses this config: \(manifest.redacting(reason))")
    }
}
