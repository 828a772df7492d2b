import ETLRuntimeCore
import Foundation

/// Runs one entry in a worker process (`etl-runtime __run-entry`), so that a plugin that
/// crashes fails only its own entry: the run records it as failed, with the signal, and the
/// other entries go on. The worker logs to the same stderr and reports progress and its
/// result as JSON lines on a pipe (`WorkerMessage`).
struct EntryWorker {
    /// How to start workers: this executable and the options of the `run` that starts them.
    struct Launch: Sendable {
        var executable: String
        /// `--manifest`, `--plugin-dir`, `--log-format`, `--verbose`, as `run` was given them.
        var arguments: [String]
        var statePath: String
    }

    let launch: Launch

    /// Runs `entry` to its end and returns its result (made up here when the worker died
    /// without one). `lockDescriptor` is the entry's lock, passed to the worker as fd 3.
    func run(_ entry: ControlEntry, runID: String, fullRefresh: Bool, takeOwnership: Bool, lockDescriptor: Int32?,
             progress: @escaping (Int) -> Void) -> EntryRunResult {
        let started = Date()
        // The run's row exists before the worker does: a worker that dies at once (or is
        // stopped while it starts) is then still a run in the history, not a missing one.
        do {
            let state = try StateDatabase(path: launch.statePath)
            try state.startRun(runID: runID, entryID: entry.id, watermarkBefore: try state.watermark(entryID: entry.id).state)
        } catch {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not record its start: \(error)")
        }
        if CancellationFlag.isCancelled {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: EntryRunner.stoppedBeforeStart, status: .cancelled)
        }
        var arguments = [EntryWorkerCommand.commandName] + launch.arguments
            + ["--entry", entry.id, "--run-id", runID, "--parent", "\(getpid())"]
        if fullRefresh { arguments.append("--full-refresh") }
        if takeOwnership { arguments.append("--take-ownership") }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                launch.executable, arguments, stderr: .inherit, descriptor3: lockDescriptor,
                blockedSignals: SignalHandling.blockedInStartingWorker)
        } catch {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not start its worker process: \(error)")
        }
        WorkerRegistry.add(process.pid)
        var result: EntryRunResult?
        var rowsRead = 0
        var crashedIn: String?
        let decoder = JSONDecoder()
        process.readLines { line in
            guard let message = try? decoder.decode(WorkerMessage.self, from: line) else { return }
            if let rows = message.rowsRead {
                rowsRead = rows
                progress(rows)
            }
            if let final = message.result { result = final }
            if let site = message.crashedIn { crashedIn = site }
        }
        let end = process.wait()
        WorkerRegistry.remove(process.pid)
        if let result { return result }
        let reason: String
        switch end {
        case .signal(let number):
            let name = strsignal(number).map { String(cString: $0) } ?? "unknown"
            // SIGKILL is not a crash: the kernel's out-of-memory killer, or a person.
            let cause = number == SIGKILL ? ": it was killed (out of memory, or by hand)" : ": most likely a plugin crashed"
            let blame = crashedIn.map { " in \($0): a bug in that plugin, not in etl-runtime" } ?? cause
            reason = "its worker process died of signal \(number) (\(name))\(blame). The other entries were not affected; batches committed before it died stay committed"
        case .exit(let status):
            reason = "its worker process exited with status \(status) without a result (see the lines logged above)"
        }
        return failure(entry, runID: runID, started: started, rowsRead: rowsRead, reason: reason)
    }

    /// A result for an entry whose worker gave none, recorded in etl_runs as the worker would
    /// have done, with what its committed batches wrote and the watermark they reached.
    private func failure(
        _ entry: ControlEntry, runID: String, started: Date, rowsRead: Int, reason: String,
        status: EntryRunResult.Status = .failed
    ) -> EntryRunResult {
        var result = EntryRunResult(entryID: entry.id, runID: runID, status: status)
        result.rowsRead = rowsRead
        result.error = reason
        result.durationSeconds = Date().timeIntervalSince(started)
        if let state = try? StateDatabase(path: launch.statePath) {
            if let committed = try? state.committedProgress(runID: runID, entryID: entry.id) {
                result.rowsWritten = committed.rowsWritten
                result.rowsRead = max(rowsRead, committed.rowsWritten)
                result.watermark = committed.watermark
            }
            try? state.finishRun(result)
        }
        return result
    }
}
