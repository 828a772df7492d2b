import Dispatch
import ETLRuntimeCore
import Foundation
import Logging

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

    /// Runs `entries`, whose locks this run holds; `lockDescriptors` (by entry id) are passed
    /// down to their workers.
    func runRound(_ entries: [ControlEntry], lockDescriptors: [String: Int32]) -> [EntryRunResult] {
        let runID = RunID.make()
        let logger = Logger(label: "etl.run")
        let results = ResultSlots(count: entries.count)
        let progress = ProgressLine(enabled: !quiet && isatty(StderrWriter.descriptor) == 1)
        let limit = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        for (index, entry) in entries.enumerated() {
            limit.wait()
            group.enter()
            let context = self.context, fullRefresh = self.fullRefresh, takeOwnership = self.takeOwnership
            let workers = self.workers
            let lock = lockDescriptors[entry.id]
            Thread.detachNewThread {
                defer {
                    limit.signal()
                    group.leave()
                }
                if let workers {
                    // This thread waits for its worker: a worker dies when the thread that
                    // started it ends (see EntryWorkerCommand), so it must outlive the work.
                    results.set(index, EntryWorker(launch: workers).run(
                        entry, runID: runID, pluginLabel: Self.pluginLabel([entry], manifest: context.manifest),
                        fullRefresh: fullRefresh, takeOwnership: takeOwnership, lockDescriptor: lock,
                        progress: { progress.update(entry: entry.id, rowsRead: $0) }))
                    return
                }
                let options = EntryRunner.Options(fullRefresh: fullRefresh, takeOwnership: takeOwnership, progress: { progress.update(entry: $0, rowsRead: $1) })
                results.set(index, Self.runEntry(entry, context: context, runID: runID, options: options, logger: logger))
            }
        }
        group.wait()
        progress.clear()
        let all = results.values()
        // Quiet: cron mails whatever is printed, so only what someone must look at.
        for result in all where !quiet || result.status != .ok {
            RunSummary.print(result, format: format, redact: context.manifest.redacting)
        }
        return all
    }

    /// The `plugin` tag of what the plugins of `entries` print (see `PluginOutputLog.label`).
    static func pluginLabel(_ entries: [ControlEntry], manifest: Manifest) -> String {
        PluginOutputLog.label(candidates: entries.flatMap { entry in
            [manifest.source(named: entry.source)?.plugin, manifest.sink(named: entry.sink)?.plugin].compactMap { $0 }
        })
    }

    private static func runEntry(
        _ entry: ControlEntry, context: ManifestContext, runID: String, options: EntryRunner.Options, logger: Logger
    ) -> EntryRunResult {
        let state: StateDatabase
        do {
            state = try StateDatabase(path: context.manifest.statePath)
        } catch {
            var failed = EntryRunResult(entryID: entry.id, runID: runID, status: .failed)
            failed.error = "\(error)"
            return failed
        }
        let runner = EntryRunner(
            entry: entry, manifest: context.manifest, catalog: context.catalog, state: state, runID: runID,
            options: options, logger: logger)
        return runner.run()
    }
}

/// Results written by worker threads, each into its own slot.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [EntryRunResult?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: EntryRunResult) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func values() -> [EntryRunResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
