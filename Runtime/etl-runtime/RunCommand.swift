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
            an entry already running elsewhere makes this command exit 75 without running anything. \
            Each entry runs in a worker process of its own, so a plugin that crashes fails only its \
            entry (--in-process runs them as threads instead). \
            Ends with one summary line per entry on stderr.
            """
    )

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("entry"), help: ArgumentHelp("Run only this entry (repeatable).", valueName: "id"))
    var entries: [String] = []

    @Flag(name: .long, help: "Ignore watermarks: reload everything and replace each target.")
    var fullRefresh = false

    @Flag(name: .long, help: "Load targets that another project's state database owns (the sink refuses them otherwise), making this project their owner.")
    var takeOwnership = false

    @Flag(name: .long, help: "Show what would run, from which watermark, without reading or writing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Run entries in parallel, up to N at once.", valueName: "N"))
    var jobs: Int = 1

    @Option(name: .long, help: ArgumentHelp("Repeat the run at this interval (e.g. 10s, 5m) until stopped by SIGINT/SIGTERM.", valueName: "interval"))
    var every: RunInterval?

    @Flag(name: .long, help: "With --every: stop once a round loads no new rows.")
    var untilCaughtUp = false

    @Flag(name: .long, help: "Run entries as threads of this process instead of one worker process each: starts faster, but a plugin that crashes ends the whole run.")
    var inProcess = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if untilCaughtUp, every == nil { throw ValidationError("--until-caught-up needs --every") }
    }

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadContext()
        let selected: [ControlEntry]
        do {
            selected = try context.selectEntries(entries)
        } catch {
            throw Console.usage("\(error)")
        }
        let state: StateDatabase
        do {
            state = try context.openStateForRun(selected, accepting: fullRefresh ? Set(selected.map(\.id)) : [])
        } catch let refused as ManifestContext.SettingsChanged {
            ManifestProblems.report(refused.issues(file: location.manifestPath), manifestPath: location.manifestPath)
            throw ExitCodes.invalidConfiguration
        }
        if dryRun {
            // What `run` would find only when it creates the plugins, the dry run finds now.
            let refusals = PluginConfigCheck.issues(context.manifest, catalog: context.catalog, file: location.manifestPath)
            guard refusals.isEmpty else {
                ManifestProblems.report(refusals, manifestPath: location.manifestPath)
                throw ExitCodes.invalidConfiguration
            }
            try DryRunReport.print(selected, state: state, fullRefresh: fullRefresh, redact: context.manifest.redacting)
            return
        }
        let locks: [EntryLock]
        do {
            locks = try selected.map { try EntryLock(entryID: $0.id, folder: context.lockFolder) }
        } catch let held as EntryLock.Held {
            Console.error("etl-runtime: \(held)")
            throw ExitCodes.locked
        }
        SignalHandling.install()
        if !inProcess {
            // A worker that crashes prints the Swift runtime's backtrace: keep it to the crashed
            // thread's top frames (which name the plugin library), not pages of every thread and
            // register, unless the user chose their own SWIFT_BACKTRACE.
            setenv("SWIFT_BACKTRACE", "threads=crashed,registers=none,images=none,limit=6", 0)
        }
        let runner = RoundRunner(
            context: context, entries: selected, fullRefresh: fullRefresh, takeOwnership: takeOwnership, jobs: jobs, format: global.logFormat.format,
            workers: inProcess ? nil : try workerLaunch(context),
            lockDescriptors: Dictionary(uniqueKeysWithValues: locks.map { ($0.entryID, $0.descriptor) }))
        var results = runner.runRound()
        if let every {
            while !CancellationFlag.isCancelled {
                if untilCaughtUp, results.allSatisfy({ $0.status == .ok && $0.rowsRead == 0 && $0.rowsRejected == 0 }) { break }
                SignalHandling.sleep(seconds: every.seconds)
                if CancellationFlag.isCancelled { break }
                results = runner.runRound()
            }
        }
        withExtendedLifetime(locks) {}
        // A single run stopped by a signal did not finish its work (exit 1); an --every loop
        // stopped by a signal ended as asked (exit 0 unless its last round failed).
        let failed = results.contains { $0.status == .failed }
        let cutShort = every == nil && results.contains { $0.status == .cancelled }
        if failed || cutShort { throw ExitCodes.entryFailed }
    }
}

extension RunCommand {
    /// Workers run this same executable with the options this run was given.
    private func workerLaunch(_ context: ManifestContext) throws -> EntryWorker.Launch {
        guard let executable = PluginSearchPath.currentExecutablePath else {
            throw Console.usage("cannot find this executable to start worker processes; run with --in-process")
        }
        var arguments = ["--manifest", location.manifestPath, "--log-format", global.logFormat.rawValue]
        for folder in location.pluginDirectories { arguments += ["--plugin-dir", folder] }
        if global.verbose { arguments.append("--verbose") }
        return EntryWorker.Launch(executable: executable, arguments: arguments, statePath: context.manifest.statePath)
    }
}

/// `--every` values: a number and a unit (s, m, h), e.g. `10s`, `5m`.
struct RunInterval: ExpressibleByArgument {
    let seconds: Double

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = argument.last, let scale = units[unit], let value = Double(argument.dropLast()), value > 0 else {
            return nil
        }
        seconds = value * scale
    }
}
