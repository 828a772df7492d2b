import Dispatch
import ETLRuntimeCore
import Foundation
import Logging
import Synchronization

/// One round of `run`: the given entries once, up to `jobs` at a time, each in a worker
/// process of its own (or, in-process, with its own plugin instances and state-database
/// connection); then a summary line per entry.
struct RoundRunner {
    let context: ManifestContext
    let fullRefresh: Bool
    let takeOwnership: Bool
    let jobs: Int
    let format: LogFormat
    /// `--quiet`: summary lines only for entries that did not succeed, no progress line.
    let quiet: Bool
    /// How to start worker processes; nil runs every entry in this process.
    let workers: EntryWorker.Launch?
    /// `--progress-interval`: seconds between `progress` log events when stderr is no terminal.
    var progressInterval: Double = RoundRunner.defaultProgressInterval

    static let defaultProgressInterval: Double = 10

    /// The progress line on a terminal, `progress` events elsewhere, nothing with `--quiet`.
    private var progressMode: ProgressLine.Mode {
        if quiet { return .off }
        return isatty(StderrWriter.descriptor) == 1 ? .terminal : .events(interval: progressInterval, format: format)
    }

    /// Healthcheck `/start` pings as entries start (see `RunAlerts`); nil sends none.
    var alerts: RunAlerts? = nil

    /// Runs `entries` (in run order: see `ManifestContext.selectEntries`), whose locks this run
    /// holds; `lockDescriptors` (by entry id) are passed down to their workers. Entries that
    /// depend on one of `heldElsewhere` (held by another run) are skipped. `roundStart` (a time of
    /// the state's clock, `StateDatabase.now()`): in a shared state, an entry another host ran
    /// successfully since is not rerun.
    func runRound(
        _ entries: [ControlEntry], lockDescriptors: [String: Int32], heldElsewhere: [String] = [], roundStart: String
    ) -> [EntryRunResult] {
        let runID = RunID.make()
        let logger = Logger(label: "etl.run")
        let results = ResultSlots(count: entries.count)
        let progress = ProgressLine(mode: progressMode)
        guard let finished = DescriptorPolling.makePipe() else {
            logger.error("cannot run the round: no pipe to wait on (\(String(cString: strerror(errno))))")
            return []
        }
        // Entries are started from a thread of their own, so that this one can keep the
        // deadlines of entries running in-process (see `waitInProcess`).
        let context = self.context, fullRefresh = self.fullRefresh, takeOwnership = self.takeOwnership
        let workers = self.workers, jobs = self.jobs, alerts = self.alerts
        Thread.detachNewThread {
            // Entries start in the order given, each once the upstreams it depends on in this
            // round have ended (RoundSchedule), up to `jobs` at a time.
            let schedule = ScheduleSlot(RoundSchedule(entries.map { (id: $0.id, dependsOn: $0.dependsOn) }, heldElsewhere: heldElsewhere))
            let ended = DispatchSemaphore(value: 0)
            var running = 0
            while true {
                while let step = schedule.next(mayStart: running < jobs) {
                    switch step {
                    case .skip(let index, let upstream, .ended(.elsewhere)):
                        var result = EntryRunResult(entryID: entries[index].id, runID: runID, status: .elsewhere)
                        result.error = "ran elsewhere: upstream \(upstream) runs on another host, which runs this entry after it; not run here"
                        results.set(index, result)
                    case .skip(let index, let upstream, let outcome):
                        let reason = Self.skipReason(upstream: upstream, outcome)
                        logger.warning("entry \(entries[index].id) skipped: \(reason)")
                        results.set(index, SkippedRun.record(
                            entries[index].id, runID: runID, reason: reason, stateLocation: context.manifest.stateLocation))
                    case .start(let index):
                        running += 1
                        let entry = entries[index]
                        Thread.detachNewThread {
                            defer {
                                schedule.finished(index, status: results.status(index) ?? .failed)
                                ended.signal()
                            }
                            Self.runEntry(
                                entry, index: index, results: results, context: context, runID: runID, roundStart: roundStart,
                                lock: lockDescriptors[entry.id], alerts: alerts,
                                workers: workers, fullRefresh: fullRefresh, takeOwnership: takeOwnership, progress: progress, logger: logger)
                        }
                    }
                }
                if running == 0 { break }
                ended.wait()
                running -= 1
            }
            var byte: UInt8 = 1
            _ = write(finished.write, &byte, 1)
        }
        if workers == nil {
            waitInProcess(entries, results: results, finished: finished.read, runID: runID, logger: logger)
        } else {
            // Each worker's thread keeps its deadlines: every worker ends, killed if need be.
            _ = DescriptorPolling.readable([finished.read], waitingAtMost: nil)
        }
        if DescriptorPolling.readable([finished.read], waitingAtMost: 0) == [finished.read] {
            close(finished.read)
            close(finished.write)
        }  // else threads left behind still hold the pipe: it goes when the run exits.
        progress.clear()
        let all = results.values()
        // Quiet: cron mails whatever is printed, so only what someone must look at.
        for result in all where !quiet || result.status != .ok {
            RunSummary.print(result, format: format, redact: context.manifest.redacting)
        }
        return all
    }

    /// Runs one entry to its end in this thread and puts its result in its slot.
    private static func runEntry(
        _ entry: ControlEntry, index: Int, results: ResultSlots, context: ManifestContext, runID: String, roundStart: String,
        lock: Int32?, alerts: RunAlerts?, workers: EntryWorker.Launch?, fullRefresh: Bool, takeOwnership: Bool, progress: ProgressLine, logger: Logger
    ) {
        results.markStarted(index)
        // In a shared state the claim is held here, by the process that outlives the worker.
        let claim: EntryClaim?
        let claimState: StateDatabase?
        switch SharedStateClaim.decide(
            entry, runID: runID, roundStart: roundStart, location: context.manifest.stateLocation, redact: context.manifest.redacting) {
        case .run(let held, let state):
            claim = held
            claimState = state
        case .notHere(let result):
            logger.info("entry \(entry.id): \(result.error ?? "not run here")")
            results.set(index, result)
            return
        }
        defer { claim?.release() }
        alerts?.entryStarting(entry, runID: runID)
        let attempts = EntryAttempts(entry: entry, runID: runID, stateLocation: context.manifest.stateLocation, logger: logger)
        if let workers {
            // This thread waits for its worker: a worker dies when the thread that
            // started it ends (see EntryWorkerCommand), so it must outlive the work.
            results.set(index, attempts.run { attemptRunID in
                // Each attempt is shown from its start; between attempts the entry shows nothing.
                progress.started(entry: entry.id)
                defer { progress.finished(entry: entry.id) }
                return EntryWorker(launch: workers).run(
                    entry, runID: attemptRunID, pluginLabel: pluginLabel([entry], manifest: context.manifest),
                    fullRefresh: fullRefresh, takeOwnership: takeOwnership, lockDescriptor: lock, state: claimState,
                    progress: { progress.update(entry: entry.id, progress: $0) })
            })
            return
        }
        let options = EntryRunner.Options(fullRefresh: fullRefresh, takeOwnership: takeOwnership, progress: { progress.update(entry: $0, progress: $1) })
        results.set(index, attempts.run { attemptRunID in
            progress.started(entry: entry.id)
            defer { progress.finished(entry: entry.id) }
            return context.runEntry(entry, runID: attemptRunID, options: options, logger: logger, state: claimState)
        })
    }

    /// Why an entry was skipped, for its summary line, etl_runs and `status`.
    static func skipReason(upstream: String, _ outcome: RoundSchedule.UpstreamOutcome) -> String {
        switch outcome {
        case .ended(let status):
            return SkippedRun.reason(upstream: upstream, status: status)
        case .heldElsewhere:
            return "upstream \(upstream) is being run by another run (it holds its lock), so its target may be changing; "
                + "this entry was not run. Run it again once that run ended"
        }
    }

    /// In-process, a thread cannot be killed: once a stop is requested, the entries still
    /// running get their `stop_timeout` to end; then the round ends without those that did
    /// not, each recorded as cancelled (the run then exits, and the threads with it).
    private func waitInProcess(_ entries: [ControlEntry], results: ResultSlots, finished: Int32, runID: String, logger: Logger) {
        var stopSeen = false
        var overdueAt: Double?
        var deadlines: [Int: EntryDeadlines] = [:]
        while true {
            let now = MonotonicTime.seconds()
            if !stopSeen, CancellationFlag.isCancelled {
                stopSeen = true
                // Entries started from now on end before any plugin code runs (EntryRunner).
                for index in results.running() {
                    var deadline = EntryDeadlines(entries[index], started: now)
                    _ = deadline.due(now: now, stopRequested: true)
                    logger.info("\(deadline.askedToStopMessage(inProcess: true))")
                    deadlines[index] = deadline
                }
                overdueAt = deadlines.values.map { now + Double($0.stopTimeout.seconds) }.max()
            }
            var watched = [finished]
            if !stopSeen, let notice = StopNotice.descriptor { watched.append(notice) }
            let ready = DescriptorPolling.readable(watched, waitingAtMost: overdueAt.map { $0 - now })
            if ready.contains(finished) { return }
            if let overdueAt, MonotonicTime.seconds() >= overdueAt { break }
        }
        let started = Date()
        for index in entries.indices where !results.has(index) {
            let entry = entries[index]
            let reason: (status: EntryRunResult.Status, error: String)
            if let deadline = deadlines[index] {
                reason = deadline.overdueOutcome(inProcess: true)
            } else {
                reason = (.cancelled, EntryRunner.stoppedBeforeStart)
            }
            results.set(index, UnfinishedRun.record(
                entry.id, runID: runID, started: started, rowsRead: 0, reason: reason.error, status: reason.status,
                stateLocation: context.manifest.stateLocation, recordStart: deadlines[index] == nil))
        }
    }

    /// The `plugin` tag of what the plugins of `entries` print (see `PluginOutputLog.label`).
    static func pluginLabel(_ entries: [ControlEntry], manifest: Manifest) -> String {
        PluginOutputLog.label(candidates: entries.flatMap { entry in
            [manifest.source(named: entry.source)?.plugin, manifest.sink(named: entry.sink)?.plugin].compactMap { $0 }
        })
    }

    /// `run --in-process` cannot enforce an entry's `timeout`: a thread cannot be stopped from
    /// outside, and the stop request is the whole process's. Refused before anything runs.
    static func refuseTimeoutsInProcess(_ entries: [ControlEntry]) throws {
        guard let timed = entries.first(where: { $0.timeout != nil }), let timeout = timed.timeout else { return }
        throw Console.usage(
            "entry \"\(timed.id)\" has a timeout (\(timeout.text)), which only a worker process can enforce: a thread cannot be "
                + "stopped from outside. Run it without --in-process, or remove its \"timeout\"")
    }
}

/// Results written by the entries' threads, each into its own slot, and which entries have
/// started: in-process, the round may end without an entry that did not stop in time.
private final class ResultSlots: Sendable {
    private struct Slots {
        var results: [EntryRunResult?]
        var started: [Bool]
    }

    private let slots: Mutex<Slots>

    init(count: Int) {
        slots = Mutex(Slots(results: Array(repeating: nil, count: count), started: Array(repeating: false, count: count)))
    }

    func markStarted(_ index: Int) {
        slots.withLock { $0.started[index] = true }
    }

    /// Keeps the first result given for an entry: one recorded as overdue stays so even if
    /// its thread ends after all.
    func set(_ index: Int, _ result: EntryRunResult) {
        slots.withLock { if $0.results[index] == nil { $0.results[index] = result } }
    }

    /// How the entry at `index` ended, once it has.
    func status(_ index: Int) -> EntryRunResult.Status? {
        slots.withLock { $0.results[index]?.status }
    }

    func has(_ index: Int) -> Bool {
        slots.withLock { $0.results[index] != nil }
    }

    /// Entries started and not yet ended.
    func running() -> [Int] {
        slots.withLock { slots in slots.started.indices.filter { slots.started[$0] && slots.results[$0] == nil } }
    }

    func values() -> [EntryRunResult] {
        slots.withLock { $0.results.compactMap { $0 } }
    }
}

/// The round's schedule, shared by the thread that starts entries and the threads that run them.
private final class ScheduleSlot: Sendable {
    private let schedule: Mutex<RoundSchedule>

    init(_ schedule: RoundSchedule) {
        self.schedule = Mutex(schedule)
    }

    func next(mayStart: Bool) -> RoundSchedule.Step? {
        schedule.withLock { $0.next(mayStart: mayStart) }
    }

    func finished(_ index: Int, status: EntryRunResult.Status) {
        schedule.withLock { $0.finished(index, status: status) }
    }
}
