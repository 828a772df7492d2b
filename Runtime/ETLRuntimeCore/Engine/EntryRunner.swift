import CETLPlugin
import ETLArrow
import Foundation
import Logging

/// Runs one control-table entry: read → write → commit data and resume state together,
/// batch by batch (incremental) or as one atomic load (full). Never throws: every
/// failure ends in an `EntryRunResult` and an `etl_runs` row.
package final class EntryRunner {
    package struct Options: Sendable {
        /// Reload from scratch, replacing the target (an incremental entry included).
        package var fullRefresh = false
        /// Load targets that another project's state database owns, making this one their owner.
        package var takeOwnership = false
        /// Called after each batch with the entry id and how far the load has come.
        package var progress: (@Sendable (String, LoadProgress) -> Void)?
        package init(fullRefresh: Bool = false, takeOwnership: Bool = false, progress: (@Sendable (String, LoadProgress) -> Void)? = nil) {
            self.fullRefresh = fullRefresh
            self.takeOwnership = takeOwnership
            self.progress = progress
        }
    }

    private let entry: ControlEntry
    private let manifest: Manifest
    /// Resume states are written in their stored form (secrets as `${NAME}`), read by plugins expanded.
    private let states: SecretForm
    private let catalog: PluginCatalog
    private let state: StateDatabase
    private let runID: String
    private let options: Options
    private let logger: Logger

    package init(
        entry: ControlEntry, manifest: Manifest, catalog: PluginCatalog, state: StateDatabase, runID: String,
        options: Options, logger: Logger
    ) {
        self.entry = entry
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
        // A crash inside a plugin then names the plugin on stderr (a worker also tells its run).
        PluginCrashReport.install()
        let started = Date()
        var result = EntryRunResult(entryID: entry.id, runID: runID, status: .ok)
        do {
            var before = try state.watermark(entryID: entry.id)
            before.state = states.stored(before.state)
            result.watermark = before.state
            try state.startRun(runID: runID, entryID: entry.id, watermarkBefore: before.state)
            // A stop asked for before the entry started (a signal while its worker was starting)
            // ends it here, before any plugin code runs.
            guard !CancellationFlag.isCancelled else { throw RunFailure(Self.stoppedBeforeStart) }
            try load(into: &result, recorded: before, started: started)
        } catch {
            // A plugin that stopped because the host asked it to (SIGTERM) was cancelled,
            // not broken: committed checkpoints stand and the next run resumes.
            result.status = CancellationFlag.isCancelled ? .cancelled : .failed
            result.error = manifest.redacting(Self.message(error))
            result.configurationInvalid = Self.isConfigurationMistake(error)
            result.retryable = result.status == .failed && RetryableFailure.isRetryable(error)
        }
        result.durationSeconds = Date().timeIntervalSince(started)
        do {
            try state.finishRun(result)
        } catch {
            logger.error("could not record the run's end: \(error)")
        }
        return result
    }

    private var isIncremental: Bool { entry.mode == .incremental && !options.fullRefresh }

    private func load(into result: inout EntryRunResult, recorded: StateDatabase.Watermark, started: Date) throws {
        let plugins = try EntryPlugins(entry: entry, manifest: manifest, catalog: catalog)
        let startState = try resumeState(sink: plugins.sink, recorded: recorded)
        let request = readRequest(startState: startState)
        let read = try plugins.source.read(request)
        // The stream is open: the run reads it, whatever happens next (the history's lineage).
        result.reads = [manifest.redacting(RunReads.source(entry.source, stream: entry.stream))]
        // Transforms are checked against the stream's columns before the sink begins.
        let writeMode = LoadRequest.writeMode(of: entry, fullRefresh: options.fullRefresh)
        let transforms = try EntryTransformStage(entry: entry, writeMode: writeMode, schema: try read.schema(), runID: runID, started: started)
        if let problem = SinkColumnTypeCheck.problem(transforms.outputSchema, sink: plugins.sink.plugin, sinkName: entry.sink, entry: entry) {
            throw problem
        }
        let load = LoadRequest(
            entryID: entry.id, runID: runID, target: entry.target, writeMode: writeMode,
            primaryKey: entry.primaryKey, schema: transforms.outputSchema, optionsJSON: loadOptionsJSON(deleteColumn: transforms.deleteColumn))
        var committedState = startState
        if isIncremental {
            committedState = try loadIncrementally(read: read, plugins: plugins, load: load, transforms: transforms, from: startState, result: &result)
        } else {
            committedState = try loadAtomically(read: read, plugins: plugins, load: load, transforms: transforms, result: &result)
        }
        result.watermark = committedState
        if CancellationFlag.isCancelled {
            result.status = .cancelled
            return
        }
        for sql in entry.postSQL {
            try plugins.sink.executeSQL(sql)
        }
    }

    /// A full entry writes as it asked (replace, or append snapshots, or merge); a full
    /// refresh of an incremental entry replaces the target — except scd2, whose history
    /// a replace would erase.
    /// Where this run starts. The sink's committed state is the truth (it was stored with
    /// the data); the control table only mirrors it — unless the user set or reset it, or the
    /// sink keeps no state of its own (`read_state` answers `ETL_UNSUPPORTED`, e.g. an API):
    /// then the control table is the truth.
    private func resumeState(sink: SinkInstance, recorded: StateDatabase.Watermark) throws -> String? {
        guard isIncremental else { return nil }
        if recorded.isOverride { return recorded.state }
        guard case .kept(let kept) = try Self.sinkState(sink, entryID: entry.id) else { return recorded.state }
        let committed = states.stored(kept)
        if committed != recorded.state {
            logger.info(
                "reconciled the control table with the sink's committed state",
                metadata: ["control": "\(recorded.state ?? "none")", "sink": "\(committed ?? "none")"])
            try state.adoptSinkState(entryID: entry.id, state: committed)
        }
        return committed
    }

    /// What a sink says of its committed state.
    private enum SinkState {
        /// The state it committed last (nil: none yet).
        case kept(String?)
        /// It keeps none (`read_state` answered `ETL_UNSUPPORTED`).
        case notKept
    }

    private static func sinkState(_ sink: SinkInstance, entryID: String) throws(PluginCallError) -> SinkState {
        do throws(PluginCallError) {
            return .kept(try sink.readState(entryID: entryID))
        } catch {
            guard error.status == ETL_UNSUPPORTED else { throw error }
            return .notKept
        }
    }

    /// What a sink may want to know of the entry (see SDK/ABI.md, "Entry options"): how many
    /// records it may refuse before the load should stop, and which project (state database)
    /// is loading, so a sink can refuse a target another project owns; and which column flags
    /// deletes, when `delete_when` flags them (merge, scd2).
    private func loadOptionsJSON(deleteColumn: String?) -> String {
        LoadRequest.optionsJSON(for: entry, stateOwner: state.stateID, takeOwnership: options.takeOwnership, deleteColumn: deleteColumn)
    }

    private func readRequest(startState: String?) -> ReadRequest {
        .forEntry(entry, startState: states.expanded(startState), fullRefresh: options.fullRefresh)
    }

    /// Incremental: every batch is its own load, committed with the checkpoint that
    /// matches it, so a killed run resumes exactly after its last committed batch.
    private func loadIncrementally(
        read: SourceReadStream, plugins: EntryPlugins, load: LoadRequest, transforms: EntryTransformStage, from startState: String?,
        result: inout EntryRunResult
    ) throws -> String? {
        var committed = startState
        var bytesRead = 0
        let readAhead = BatchReadAhead(read, checkpoints: true, transform: transforms.readAheadTransform)
        defer { readAhead.finish() }
        while !CancellationFlag.isCancelled, let item = try readAhead.next() {
            let batch = item.batch
            result.rowsRead += item.sourceRows
            bytesRead += LoadProgress.bytes(of: batch)
            options.progress?(entry.id, LoadProgress(rows: result.rowsRead, bytes: bytesRead, input: plugins.source.context.reportedProgress))
            let checkpoint = states.stored(item.checkpoint)
            var sinkRejects: [SourceReject] = []
            var lateRejects: [SourceReject] = []
            var violation: PluginContractViolation?
            do {
                try checkRejectLimit(adding: item.rejects.count, result: &result)
                try plugins.sink.begin(load, waitingUpTo: SinkInstance.busyWaitSeconds, logger: logger)
                do {
                    try plugins.sink.write(batch)
                    sinkRejects = plugins.sink.context.takeRejects()
                    try checkRejectLimit(adding: sinkRejects.count, result: &result, refusedBySink: true)
                    let reported = try plugins.sink.commit(stateJSON: checkpoint)
                    lateRejects = plugins.sink.context.takeRejects()
                    let count = CommittedRowCount(
                        reported: reported, sent: batch.rowCount, refused: sinkRejects.count + lateRejects.count, mode: load.writeMode)
                    // The sink committed, whatever its count says: the control table follows it.
                    result.rowsWritten += count.trusted
                    try state.recordCheckpoint(runID: runID, entryID: entry.id, state: checkpoint, rowsWritten: count.trusted)
                    result.watermark = checkpoint
                    violation = count.violation(by: plugins.sink.plugin)
                } catch {
                    try? plugins.sink.abort()
                    throw error
                }
            } catch {
                // Rejects of a failed batch are still worth seeing: they often explain it.
                let refusedInFailure = lateRejects + plugins.sink.context.takeRejects()
                result.rowsRejected += refusedInFailure.count
                try? state.recordRejects(item.rejects + sinkRejects + refusedInFailure, runID: runID, entryID: entry.id)
                throw error
            }
            result.rowsRejected += lateRejects.count
            try state.recordRejects(item.rejects + sinkRejects + lateRejects, runID: runID, entryID: entry.id)
            if let violation { throw violation }
            committed = checkpoint
            logger.debug("checkpoint committed", metadata: ["rows": "\(batch.rowCount)", "watermark": "\(checkpoint ?? "none")"])
        }
        // The source is this thread's again from here.
        readAhead.finish()
        // Rows rejected after the last batch moved the checkpoint with no data to carry
        // it: commit an empty load so they are not read (and rejected) again.
        let trailing = plugins.source.context.takeRejects()
        if !trailing.isEmpty, !CancellationFlag.isCancelled {
            do {
                try checkRejectLimit(adding: trailing.count, result: &result)
            } catch {
                try? state.recordRejects(trailing, runID: runID, entryID: entry.id)
                throw error
            }
            let checkpoint: String?
            do {
                checkpoint = states.stored(try plugins.source.checkpoint(.endOfStream, required: true))
            } catch {
                try? state.recordRejects(trailing, runID: runID, entryID: entry.id)
                throw error
            }
            try plugins.sink.begin(load, waitingUpTo: SinkInstance.busyWaitSeconds, logger: logger)
            let reported = try plugins.sink.commit(stateJSON: checkpoint)
            try state.recordCheckpoint(runID: runID, entryID: entry.id, state: checkpoint, rowsWritten: 0)
            try state.recordRejects(trailing, runID: runID, entryID: entry.id)
            committed = checkpoint
            result.watermark = checkpoint
            let count = CommittedRowCount(reported: reported, sent: 0, refused: 0, mode: load.writeMode)
            if let violation = count.violation(by: plugins.sink.plugin) { throw violation }
        }
        return committed
    }

    /// Full: one load for the whole stream; the sink swaps it in at commit, so readers
    /// never see a partial table and a failure keeps the previous one.
    private func loadAtomically(
        read: SourceReadStream, plugins: EntryPlugins, load: LoadRequest, transforms: EntryTransformStage, result: inout EntryRunResult
    ) throws -> String? {
        var rejects: [SourceReject] = []
        // Rows handed to the sink: fewer than read when transforms reject or filter some.
        var rowsSent = 0
        var bytesRead = 0
        var sinkRejects: [SourceReject] = []
        var violation: PluginContractViolation?
        let checkpoint: String?
        // The source reads its first batch while the sink begins (connects, checks the target),
        // as in an incremental load; if begin fails, the batch read ahead is dropped unwritten.
        let readAhead = BatchReadAhead(read, checkpoints: false, transform: transforms.readAheadTransform)
        defer { readAhead.finish() }
        try plugins.sink.begin(load, waitingUpTo: SinkInstance.busyWaitSeconds, logger: logger)
        do {
            while let item = try readAhead.next() {
                if CancellationFlag.isCancelled {
                    throw RunFailure("cancelled by a signal before the load finished; the target is unchanged")
                }
                result.rowsRead += item.sourceRows
                bytesRead += LoadProgress.bytes(of: item.batch)
                options.progress?(entry.id, LoadProgress(rows: result.rowsRead, bytes: bytesRead, input: plugins.source.context.reportedProgress))
                rowsSent += item.batch.rowCount
                rejects += item.rejects
                try checkRejectLimit(adding: item.rejects.count, result: &result)
                try plugins.sink.write(item.batch)
                let refused = plugins.sink.context.takeRejects()
                sinkRejects += refused
                try checkRejectLimit(adding: refused.count, result: &result, refusedBySink: true)
            }
            // The source is this thread's again from here.
            readAhead.finish()
            let trailing = plugins.source.context.takeRejects()
            rejects += trailing
            try checkRejectLimit(adding: trailing.count, result: &result)
            // A full refresh of an incremental entry leaves the state the next tick resumes from:
            // once it read anything, it needs one.
            let resumable = entry.mode == .incremental && (result.rowsRead > 0 || !rejects.isEmpty)
            checkpoint = states.stored(try plugins.source.checkpoint(.endOfStream, required: resumable))
            let reported = try plugins.sink.commit(stateJSON: checkpoint)
            let late = plugins.sink.context.takeRejects()
            result.rowsRejected += late.count
            let count = CommittedRowCount(reported: reported, sent: rowsSent, refused: sinkRejects.count + late.count, mode: load.writeMode)
            result.rowsWritten = count.trusted
            try state.recordCheckpoint(runID: runID, entryID: entry.id, state: checkpoint, rowsWritten: count.trusted)
            try state.recordRejects(rejects + sinkRejects + late, runID: runID, entryID: entry.id)
            result.watermark = checkpoint
            violation = count.violation(by: plugins.sink.plugin)
        } catch {
            readAhead.finish()
            try? plugins.sink.abort()
            // Rejects of a failed run are still worth seeing: they often explain it.
            let unchecked = plugins.source.context.takeRejects() + plugins.sink.context.takeRejects()
            result.rowsRejected += unchecked.count
            try? state.recordRejects(rejects + sinkRejects + unchecked, runID: runID, entryID: entry.id)
            throw error
        }
        // Committed and recorded: a wrong count fails the run, with nothing left to abort.
        if let violation { throw violation }
        return checkpoint
    }

    /// Counts `count` more rejects (the source's, or the sink's refused records) against the
    /// entry's `max_rejects` for the whole run.
    private func checkRejectLimit(adding count: Int, result: inout EntryRunResult, refusedBySink: Bool = false) throws {
        result.rowsRejected += count
        guard result.rowsRejected > entry.maxRejects else { return }
        let consequence = refusedBySink
            ? "the last \(count) refused by sink \"\(entry.sink)\"; the load was stopped and not committed (records a sink already sent to an API stay sent)"
            : "nothing from the failing batch was committed"
        throw RunFailure(
            "\(result.rowsRejected) rows rejected, more than max_rejects (\(entry.maxRejects)); \(consequence). See the rows with: sqlite3 \(state.path) \"SELECT position, reason FROM etl_rejects WHERE entry_id = '\(entry.id)'\"")
    }

    /// Why an entry stopped by a signal before it began did nothing.
    package static let stoppedBeforeStart = "stopped by a signal before it started; nothing was read or written"

    /// A plugin refusing its config or the entry's request (ETL_INVALID_CONFIG from create,
    /// check_read, read, begin or read_state, or EINVAL from the stream of an ABI 1.2 source) is
    /// the manifest's mistake, not the run's (exit 78): credentials the API refuses, an option a
    /// path needs, a stream that cannot be read incrementally. So is a plugin that cannot be loaded.
    static func isConfigurationMistake(_ error: Error) -> Bool {
        if error is PluginLoadFailure || error is TransformError { return true }
        guard let call = error as? PluginCallError else { return false }
        return configurationFunctions.contains(call.function) && call.status == ETL_INVALID_CONFIG
    }

    /// The plugin functions whose ETL_INVALID_CONFIG says "fix the manifest or its environment"
    /// (write and commit are left out: the batch or the target's state is at fault there).
    static let configurationFunctions: Set<String> = ["create", "check_read", "read", "begin", "read_state"]

    static func message(_ error: Error) -> String {
        if let failure = error as? PluginLoadFailure { return failure.libraryPath.isEmpty ? failure.reason : failure.description }
        if let arrow = error as? ArrowError { return arrow.message }
        return "\(error)"
    }
}

/// A failure of the run itself (not of a plugin call), with its message.
struct RunFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
