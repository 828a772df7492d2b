import ArgumentParser
import ETLRuntimeCore
import Foundation
import Logging

/// `etl-runtime run`: loads every active entry (or the ones named), in full or
/// incremental mode, committing data and watermark together.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the manifest's active entries (or the ones named with --entry).",
        discussion: """
            Incremental entries commit each batch together with the watermark it reaches, so a \
            killed run resumes from its last committed batch. Full entries load into the target \
            atomically: readers never see a partial table. Each entry is locked while it runs; \
            an entry already running elsewhere is named and left alone while the others run. \
            Each entry runs in a worker process of its own, so a plugin that crashes fails only its \
            entry (--in-process runs them as threads instead). \
            Ends with one summary line per entry on stderr (with --quiet: only for entries that did not succeed). \
            With --every, a failed round makes the next wait twice as long (up to 16 intervals or 1 hour), \
            and --max-failures failed rounds in a row (default 5) stop the run. \
            SIGINT/SIGTERM asks each running entry to stop at its next batch boundary; one still running after \
            its stop_timeout (default 30 s) is killed and recorded as cancelled. An entry's timeout stops it the same \
            way and records it as failed. \
            Entries run after the entries they depend on (depends_on) when both run: an entry whose \
            upstream failed, was skipped or cancelled in this run is not run and is recorded as skipped; \
            --jobs N runs independent entries side by side. An upstream not selected does not hold an entry back. \
            An entry with "retry" is tried again after a failure that may pass (I/O, busy, HTTP 5xx/429), each attempt \
            its own run in the history. Outside a terminal, a progress event is logged every --progress-interval.

            Exit codes, the most serious first: 130/143 stopped by SIGINT/SIGTERM (128 + the signal); \
            78 manifest or plugin configuration invalid; 1 an entry failed or was skipped; 75 an entry was left alone \
            because another run holds it; 0 every entry that ran succeeded.
            """
    )

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("entry"), help: ArgumentHelp("Run only this entry (repeatable).", valueName: "id"))
    var entries: [String] = []

    @Flag(name: .long, help: "Run only the active entries whose last run failed (failed, killed, or skipped because an upstream failed), as the control table says; with --entry, only those of the named ones. Dependencies are respected as with --entry.")
    var failedOnly = false

    @Flag(name: .long, help: "With --entry: also run the active entries the named ones depend on (depends_on), directly or not, before them.")
    var withUpstream = false

    @Flag(name: .long, help: "With --entry: also run the active entries that depend on the named ones, directly or not, after them.")
    var withDownstream = false

    @Flag(name: .long, help: "Ignore watermarks: reload everything and replace each target.")
    var fullRefresh = false

    @Flag(name: .long, help: "Load targets that another project's state database owns (the sink refuses them otherwise), making this project their owner.")
    var takeOwnership = false

    @Flag(name: .long, help: "Show what would run, from which watermark, and check it without reading rows or writing (a database source is asked for its columns).")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Run entries in parallel, up to N at once.", valueName: "N"))
    var jobs: Int = 1

    @Option(name: .long, help: ArgumentHelp(
        "Repeat the run at this interval (e.g. 10s, 5m, 0.5s) until stopped by SIGINT/SIGTERM; after a failed round the wait doubles, up to 16 intervals or 1 hour.",
        valueName: "interval"))
    var every: RunInterval?

    @Option(name: .long, help: ArgumentHelp("With --every: stop (exit 1) after N failed rounds in a row (default 5).", valueName: "N"))
    var maxFailures: Int?

    @Flag(name: .long, help: "With --every: stop once a round loads no new rows.")
    var untilCaughtUp = false

    @Option(name: .long, help: ArgumentHelp(
        "When stderr is not a terminal (cron, a log file): log a progress event (rows, bytes, rate) for each running entry at this interval, e.g. 10s (the default), 1m, 0.5s.",
        valueName: "interval"))
    var progressInterval: RunInterval?

    @Option(name: .long, help: ArgumentHelp(
        "After each round, write every entry's metrics (rows, duration, status, last success, rejects, freshness) to this file in the Prometheus textfile-collector format, atomically.",
        valueName: "path"))
    var metricsFile: String?

    @Flag(name: .long, help: "Run entries as threads of this process instead of one worker process each: starts faster, but a plugin that crashes ends the whole run, and an entry's timeout cannot be enforced (refused).")
    var inProcess = false

    static let defaultMaxFailures = 5

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if withUpstream, entries.isEmpty, !failedOnly { throw ValidationError("--with-upstream needs --entry or --failed-only: without them every active entry runs") }
        if withDownstream, entries.isEmpty, !failedOnly { throw ValidationError("--with-downstream needs --entry or --failed-only: without them every active entry runs") }
        if failedOnly, every != nil {
            throw ValidationError("--failed-only cannot be used with --every: the entries are chosen once, so later rounds would rerun entries that succeeded. Schedule `run --failed-only` from cron instead")
        }
        if untilCaughtUp, every == nil { throw ValidationError("--until-caught-up needs --every") }
        if let maxFailures {
            if every == nil { throw ValidationError("--max-failures needs --every") }
            guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1") }
        }
    }

    func run() throws {
        global.bootstrapLogging()
        // The first round's start, for a shared state (see SharedStateClaim): taken before
        // anything else so that hosts started together by cron agree on it. The state's clock
        // (the server's, for a shared state) is read once the state is open, so this notes how
        // long ago that was on this host's monotonic clock.
        let commandStart = MonotonicTime.seconds()
        let context = try location.loadContext()
        let selected: [ControlEntry]
        do {
            var named = entries
            if failedOnly {
                _ = try context.selectEntries(entries)  // refuses an --entry the manifest lacks
                named = try failedEntryIDs(context)
                guard !named.isEmpty else {
                    Logger(label: "etl.run").info("--failed-only: no active entry's last run failed; nothing to run")
                    return
                }
                Logger(label: "etl.run").info("--failed-only: running \(named.joined(separator: ", "))")
            }
            selected = try context.selectEntries(named, withUpstream: withUpstream, withDownstream: withDownstream)
        } catch let unknown as ManifestContext.UnknownEntry {
            throw Console.usage("\(unknown)")
        }
        for note in context.manifest.inactiveUpstreamNotes(selected) { Logger(label: "etl.run").warning("\(note)") }
        // Held while the command lives: `state rebuild` of a shared state waits for no run.
        let stateLock: StateRunLock?
        do {
            stateLock = try context.manifest.stateServer.map(StateRunLock.holdForRun)
        } catch let underWay as StateRunLock.RebuildUnderWay {
            Console.error("etl-runtime: \(context.manifest.redacting("\(underWay)"))")
            throw ExitCodes.locked
        }
        defer { stateLock?.release() }
        let state: StateDatabase
        do {
            state = try context.openStateForRun(selected, accepting: fullRefresh ? Set(selected.map(\.id)) : [], runLock: stateLock)
        } catch let refused as ManifestContext.SettingsChanged {
            ManifestProblems.report(refused.issues(file: location.manifestPath), manifestPath: location.manifestPath)
            throw ExitCodes.invalidConfiguration
        }
        if inProcess { try RoundRunner.refuseTimeoutsInProcess(selected) }
        if dryRun {
            // What `run` would find only when it creates the plugins, the dry run finds now. It
            // runs where `run` runs, so it may ask a database source's server for its columns.
            let findings = try PluginConfigCheck.check(
                context.manifest, catalog: context.catalog, file: location.manifestPath,
                reads: PluginConfigCheck.EntryReads(entries: selected, state: state, fullRefresh: fullRefresh, reach: .dryRun))
            for note in findings.notes { Console.error("\(note)") }
            let refusals = findings.issues
            guard refusals.isEmpty else {
                ManifestProblems.report(refusals, manifestPath: location.manifestPath)
                throw ExitCodes.invalidConfiguration
            }
            try DryRunReport.print(selected, state: state, fullRefresh: fullRefresh, redact: context.manifest.redacting)
            return
        }
        SignalHandling.install()
        // In-process, plugins share this process's stdout and stderr: capture what they print.
        let capture = inProcess ? PluginOutputCapture.start(plugin: RoundRunner.pluginLabel(selected, manifest: context.manifest)) : nil
        defer { capture?.finish() }
        if !inProcess {
            // A worker that crashes prints the Swift runtime's backtrace: keep it to the crashed
            // thread's innermost frames (which name the plugin library), not pages of every thread
            // and register, unless the user chose their own SWIFT_BACKTRACE. `top` counts the
            // outermost frames kept: without it a deep stack kept only those, the runtime's own.
            setenv("SWIFT_BACKTRACE", "threads=crashed,registers=none,images=none,limit=8,top=2", 0)
        }
        let alerts = RunAlerts(manifest: context.manifest)
        var runner = RoundRunner(
            context: context, fullRefresh: fullRefresh, takeOwnership: takeOwnership, jobs: jobs, format: global.logFormat.format, quiet: global.quiet,
            workers: inProcess ? nil : try workerLaunch(context), alerts: alerts)
        if let progressInterval { runner.progressInterval = progressInterval.seconds }
        let afterRound = RoundAftermath(alerts: alerts, metricsFile: metricsFile, state: state)
        let locks = RunLocks(folder: context.lockFolder)
        let firstRoundStart = try state.time(secondsAgo: MonotonicTime.seconds() - commandStart)
        var roundsStarted = 0
        func round() throws -> RoundOutcome {
            // A later round of `--every` asks a connection of its own: the run's may have been
            // dropped by the server in the hours the run has been waiting.
            let roundStart = roundsStarted == 0
                ? firstRoundStart : try StateDatabase(location: context.manifest.stateLocation, pagesChecked: true).now()
            roundsStarted += 1
            let (held, locked) = try locks.acquire(selected)
            let results = held.isEmpty ? [] : runner.runRound(held, lockDescriptors: locks.descriptors, heldElsewhere: locked, roundStart: roundStart)
            afterRound.finish(results)
            return (results, locked)
        }
        var outcome = try round()
        // When another run holds every entry, there is nothing to repeat: exit 75 at once.
        if let every, !outcome.results.isEmpty {
            outcome = try repeatRounds(every: every, after: outcome, round: round)
        }
        withExtendedLifetime(locks) {}
        let code = RunOutcome.exitCode(results: outcome.results, lockedEntries: outcome.locked, signal: SignalHandling.firstSignal)
        if code != RunOutcome.success { throw ExitCode(code) }
    }
}

extension RunCommand {
    /// What one round did: its entries' results, and the entries another run held.
    typealias RoundOutcome = (results: [EntryRunResult], locked: [String])

    /// `--every`: more rounds until a signal, `--until-caught-up`, or `--max-failures` failed
    /// rounds in a row; after a failed round the wait grows (`RoundBackoff`). Returns the last
    /// round's outcome.
    private func repeatRounds(every: RunInterval, after first: RoundOutcome, round: () throws -> RoundOutcome) throws -> RoundOutcome {
        let logger = Logger(label: "etl.run")
        var backoff = RoundBackoff(interval: every.seconds, maxFailures: maxFailures ?? Self.defaultMaxFailures)
        var last = first
        while !CancellationFlag.isCancelled {
            let results = last.results
            if untilCaughtUp, results.allSatisfy({ $0.status == .elsewhere || ($0.status == .ok && $0.rowsRead == 0 && $0.rowsRejected == 0) }) { break }
            guard case .wait(let seconds) = backoff.next(afterRoundFailed: results.contains { $0.status == .failed }) else {
                let limit = backoff.maxFailures
                logger.error("\(limit) rounds in a row failed (--max-failures \(limit)); stopping. Fix what the summary lines above say, then start the run again")
                break
            }
            if backoff.failedRoundsInARow > 0 {
                let wait = RunInterval.text(seconds: seconds), at = StderrLogHandler.timestamp(secondsFromNow: seconds)
                logger.warning("round failed (\(backoff.failedRoundsInARow) in a row; --max-failures \(backoff.maxFailures) stops the run); next attempt in \(wait), at \(at)")
            }
            SignalHandling.sleep(seconds: seconds)
            if CancellationFlag.isCancelled { break }
            last = try round()
        }
        return last
    }

    /// `--failed-only`: the entries to run, from the control table. A run whose process died
    /// is marked `killed` first, so that it counts as failed.
    private func failedEntryIDs(_ context: ManifestContext) throws -> [String] {
        let state = try StateDatabase(location: context.manifest.stateLocation)
        try state.markAbandonedRuns()
        return FailedEntrySelection.ids(try state.controlRows(), manifest: context.manifest, among: entries)
    }

    /// Workers run this same executable with the options this run was given.
    private func workerLaunch(_ context: ManifestContext) throws -> EntryWorker.Launch {
        guard let executable = PluginSearchPath.currentExecutablePath else {
            throw Console.usage("cannot find this executable to start worker processes; run with --in-process")
        }
        let worker = EntryWorkerCommand(
            manifestPath: location.manifestPath, pluginDirectories: location.pluginDirectories, logFormat: global.logFormat,
            verbose: global.verbose, quiet: global.quiet)
        return EntryWorker.Launch(executable: executable, worker: worker, stateLocation: context.manifest.stateLocation)
    }
}

/// `--every` values: a number and a unit (s, m, h), e.g. `10s`, `5m`, `0.5s`.
struct RunInterval: ExpressibleByArgument {
    let seconds: Double

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = argument.last, let scale = units[unit], let value = Double(argument.dropLast()), value > 0 else {
            return nil
        }
        seconds = value * scale
    }

    /// `0.02s`, `40s`, `3600s`: seconds as a log line shows them.
    static func text(seconds: Double) -> String {
        String(format: "%gs", seconds)
    }
}
