import ETLRuntimeCore
import Foundation

/// Runs one entry in a worker process (`etl-runtime __run-entry`), so that a plugin that
/// crashes fails only its own entry: the run records it as failed, with the signal, and the
/// other entries go on. The worker logs to the same stderr and reports progress and its
/// result as JSON lines on a pipe (`WorkerMessage`); what its plugins print comes on two more
/// pipes and is logged here, line by line (`WorkerWatch`).
struct EntryWorker {
    /// How to start workers: this executable and the options of the `run` that starts them.
    struct Launch: Sendable {
        var executable: String
        /// The manifest, plugin folders and logging options, as `run` was given them; the
        /// entry, run and parent are filled in per worker.
        var worker: EntryWorkerCommand
        var stateLocation: StateLocation
    }

    let launch: Launch

    /// Runs `entry` to its end and returns its result (made up here when the worker died
    /// without one). `lockDescriptor` is the entry's lock, passed to the worker as fd 3. What the
    /// worker's plugins print is logged tagged `plugin=<pluginLabel>`. `state`: the state this
    /// thread holds open already (a shared state's, on the entry's claim), else one is opened.
    func run(_ entry: ControlEntry, runID: String, pluginLabel: String, fullRefresh: Bool, takeOwnership: Bool, lockDescriptor: Int32?,
             state held: StateDatabase? = nil, progress: @escaping (LoadProgress) -> Void) -> EntryRunResult {
        let started = Date()
        // The run's row exists before the worker does: a worker that dies at once (or is
        // stopped while it starts) is then still a run in the history, not a missing one.
        do {
            let state = try held ?? StateDatabase(location: launch.stateLocation, pagesChecked: true)
            try state.startRun(runID: runID, entryID: entry.id, watermarkBefore: try state.watermark(entryID: entry.id).state)
        } catch {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not record its start: \(error)")
        }
        if CancellationFlag.isCancelled {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: EntryRunner.stoppedBeforeStart, status: .cancelled)
        }
        guard let output = DescriptorPolling.makePipe(), let errors = DescriptorPolling.makePipe() else {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not make the pipes for its plugins' output: \(String(cString: strerror(errno)))")
        }
        defer {
            close(output.read)
            close(errors.read)
        }
        var worker = launch.worker
        (worker.entry, worker.runID, worker.parent) = (entry.id, runID, getpid())
        (worker.fullRefresh, worker.takeOwnership) = (fullRefresh, takeOwnership)
        let arguments = [EntryWorkerCommand.commandName] + worker.arguments
        let process: ChildProcess
        do {
            defer {
                close(output.write)
                close(errors.write)
            }
            process = try ChildProcess(
                launch.executable, arguments, stderr: .inherit, descriptor3: lockDescriptor,
                passing: [WorkerChannel.pluginOutput: output.write, WorkerChannel.pluginErrors: errors.write],
                blockedSignals: SignalHandling.blockedInStartingWorker)
        } catch {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not start its worker process: \(error)")
        }
        WorkerRegistry.add(process.pid)
        var watch = WorkerWatch(
            process: process, deadlines: EntryDeadlines(entry, started: MonotonicTime.seconds()),
            pluginOutput: PluginOutputLog(plugin: pluginLabel, entry: entry.id), progress: progress)
        let outcome = watch.run(output: output.read, errors: errors.read)
        WorkerRegistry.remove(process.pid)
        if let result = outcome.result {
            let recorded = outcome.deadlines.timedOut(result)
            if recorded != result { try? (held ?? StateDatabase(location: launch.stateLocation, pagesChecked: true)).finishRun(recorded) }
            return recorded
        }
        if outcome.deadlines.killed, outcome.end == .signal(SIGKILL) {
            let overdue = outcome.deadlines.overdueOutcome(inProcess: false)
            return failure(entry, runID: runID, started: started, rowsRead: outcome.rowsRead, reason: overdue.error, status: overdue.status)
        }
        let reason: String
        switch outcome.end {
        case .signal(let number):
            let name = strsignal(number).map { String(cString: $0) } ?? "unknown"
            // SIGKILL is not a crash: the kernel's out-of-memory killer, or a person.
            let cause = number == SIGKILL ? ": it was killed (out of memory, or by hand)" : ": most likely a plugin crashed"
            let blame = outcome.crashedIn.map { " in \($0): a bug in that plugin, not in etl-runtime" } ?? cause
            reason = "its worker process died of signal \(number) (\(name))\(blame). The other entries were not affected; batches committed before it died stay committed"
        case .exit(let status):
            reason = "its worker process exited with status \(status) without a result (see the lines logged above)"
        }
        return failure(entry, runID: runID, started: started, rowsRead: outcome.rowsRead, reason: reason)
    }

    /// A result for an entry whose worker gave none (see `UnfinishedRun`).
    private func failure(
        _ entry: ControlEntry, runID: String, started: Date, rowsRead: Int, reason: String,
        status: EntryRunResult.Status = .failed
    ) -> EntryRunResult {
        UnfinishedRun.record(
            entry.id, runID: runID, started: started, rowsRead: rowsRead, reason: reason, status: status, stateLocation: launch.stateLocation)
    }
}
