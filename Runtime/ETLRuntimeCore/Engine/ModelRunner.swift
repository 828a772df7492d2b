import CETLPlugin
import ETLJSON
import Foundation
import Logging

/// Runs one SQL model entry: its query runs inside the sink (`run_model`), which keeps the
/// result as the entry's `materialize` says and commits it with the entry's state. Like
/// `EntryRunner`, never throws: every failure ends in an `EntryRunResult` and an `etl_runs` row.
package final class ModelRunner {
    private let entry: ControlEntry
    private let model: SQLModel
    private let manifest: Manifest
    private let states: SecretForm
    private let catalog: PluginCatalog
    private let state: StateDatabase
    private let runID: String
    private let options: EntryRunner.Options
    private let logger: Logger

    package init(entry: ControlEntry, model: SQLModel, manifest: Manifest, catalog: PluginCatalog, state: StateDatabase,
                 runID: String, options: EntryRunner.Options, logger: Logger) {
        self.entry = entry
        self.model = model
        self.manifest = manifest
        self.states = manifest.secretForm
        self.catalog = catalog
        self.state = state
        self.runID = runID
        self.options = options
        var logger = logger
        logger[metadataKey: "entry"] = .string(entry.id)
        self.logger = logger
    }

    package func run() -> EntryRunResult {
        PluginCrashReport.install()
        let started = Date()
        var result = EntryRunResult(entryID: entry.id, runID: runID, status: .ok)
        do {
            var before = try state.watermark(entryID: entry.id)
            before.state = states.stored(before.state)
            result.watermark = before.state
            try state.startRun(runID: runID, entryID: entry.id, watermarkBefore: before.state)
            guard !CancellationFlag.isCancelled else { throw RunFailure(EntryRunner.stoppedBeforeStart) }
            try execute(into: &result, recorded: before)
        } catch {
            result.status = CancellationFlag.isCancelled ? .cancelled : .failed
            result.error = manifest.redacting(EntryRunner.message(error))
            result.configurationInvalid = EntryRunner.isConfigurationMistake(error)
                || (error as? PluginCallError).map { $0.function == "run_model" && $0.status == ETL_INVALID_CONFIG } ?? false
            result.retryable = result.status == .failed && !result.configurationInvalid && RetryableFailure.isRetryable(error)
        }
        result.durationSeconds = Date().timeIntervalSince(started)
        do {
            try state.finishRun(result)
        } catch {
            logger.error("could not record the run's end: \(error)")
        }
        return result
    }

    private func execute(into result: inout EntryRunResult, recorded: StateDatabase.Watermark) throws {
        guard let endpoint = manifest.sink(named: entry.sink) else {
            throw RunFailure("the manifest has no sink \"\(entry.sink)\"")
        }
        if let problem = endpoint.pluginProblem {
            throw PluginLoadFailure(libraryPath: "", reason: "sink \"\(endpoint.name)\": \(problem)")
        }
        let plugin = try catalog.loadPlugin(named: endpoint.plugin, kind: .sink)
        let sink = try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: entry.id,
                                    redact: { [manifest] in manifest.redacting($0) })
        let request = ModelRequest(
            entryID: entry.id, runID: runID, target: entry.target, sql: model.sql, materialization: model.materialization,
            primaryKey: entry.primaryKey, cursorField: model.materialization == .incremental ? entry.cursorField : nil,
            stateJSON: states.expanded(try startState(sink: sink, recorded: recorded)),
            initialValueJSON: entry.initialValue?.serialized(), optionsJSON: optionsJSON)
        let outcome = try runWaitingWhileBusy(sink, request)
        let committed = states.stored(outcome.stateJSON)
        result.rowsWritten = Int(outcome.rows)
        result.watermark = committed
        // What the query read goes into the run's row with its commit: the lineage `history` and
        // `status` show, kept even when a `post_sql` fails afterwards.
        result.reads = outcome.reads.map { $0.map(manifest.redacting) }
        try state.recordCheckpoint(runID: runID, entryID: entry.id, state: committed, rowsWritten: result.rowsWritten, reads: result.reads)
        if let reads = outcome.reads {
            logger.info("model ran", metadata: ["reads": "\(reads.joined(separator: ", "))", "rows": "\(outcome.rows)",
                                                "materialize": "\(model.materialization)"])
            for finding in UndeclaredUpstreams.find(model: entry, reads: reads, manifest: manifest) {
                logger.warning("\(manifest.redacting(UndeclaredUpstreams.warning(finding, model: entry)))")
            }
        }
        for sql in entry.postSQL {
            try sink.executeSQL(sql)
        }
    }

    /// An incremental model resumes from the state its sink committed (or the one the user set);
    /// a full refresh starts again from `initial_value`. Other materializations keep no state.
    private func startState(sink: SinkInstance, recorded: StateDatabase.Watermark) throws -> String? {
        guard model.materialization == .incremental, !options.fullRefresh else { return nil }
        if recorded.isOverride { return recorded.state }
        let kept = states.stored(try sink.readState(entryID: entry.id))
        if kept != recorded.state { try state.adoptSinkState(entryID: entry.id, state: kept) }
        return kept
    }

    /// The project running the model, so the sink can refuse a target another project owns.
    private var optionsJSON: String {
        var members: [(String, JSONValue)] = [
            ("state_owner", .string(state.stateID)),
            ("take_ownership", .bool(options.takeOwnership)),
        ]
        if let entryOptions = entry.options { members.append((ReadRequest.entryOptionsKey, entryOptions)) }
        return JSONValue.object(JSONObject(members)).serialized()
    }

    /// `run_model`, tried again while the sink is busy (another writer holds the warehouse), as
    /// `begin` is: nothing was written when it answers ETL_RETRYABLE.
    private func runWaitingWhileBusy(_ sink: SinkInstance, _ request: ModelRequest) throws -> ModelResult {
        let started = Date()
        var delay = 0.05
        while true {
            let failure: PluginCallError
            do {
                return try sink.runModel(request)
            } catch {
                failure = error
            }
            let waited = Date().timeIntervalSince(started)
            guard failure.status == ETL_RETRYABLE, !CancellationFlag.isCancelled, waited + delay < SinkInstance.busyWaitSeconds else {
                throw failure
            }
            Thread.sleep(forTimeInterval: delay)
            delay = min(delay * 2, 1)
        }
    }
}
