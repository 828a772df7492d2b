import CProcessControl
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
    func run(_ entry: ControlEntry, runID: String, fullRefresh: Bool, lockDescriptor: Int32?,
             progress: @escaping (Int) -> Void) -> EntryRunResult {
        let started = Date()
        var arguments = [EntryWorkerCommand.commandName] + launch.arguments
            + ["--entry", entry.id, "--run-id", runID, "--parent", "\(getpid())"]
        if fullRefresh { arguments.append("--full-refresh") }
        let process: SpawnedWorker
        do {
            process = try SpawnedWorker(executable: launch.executable, arguments: arguments, lockDescriptor: lockDescriptor)
        } catch {
            return failure(entry, runID: runID, started: started, rowsRead: 0, reason: "could not start its worker process: \(error)")
        }
        WorkerRegistry.add(process.pid)
        var result: EntryRunResult?
        var rowsRead = 0
        let decoder = JSONDecoder()
        process.readLines { line in
            guard let message = try? decoder.decode(WorkerMessage.self, from: line) else { return }
            if let rows = message.rowsRead {
                rowsRead = rows
                progress(rows)
            }
            if let final = message.result { result = final }
        }
        let end = process.wait()
        WorkerRegistry.remove(process.pid)
        if let result { return result }
        let reason: String
        switch end {
        case .signal(let number):
            let name = strsignal(number).map { String(cString: $0) } ?? "unknown"
            reason = "its worker process died of signal \(number) (\(name)): most likely a plugin crashed. The other entries were not affected; batches committed before the crash stay committed"
        case .exit(let status):
            reason = "its worker process exited with status \(status) without a result (see the lines logged above)"
        }
        return failure(entry, runID: runID, started: started, rowsRead: rowsRead, reason: reason)
    }

    /// A failed result for an entry whose worker gave none, recorded in etl_runs as the worker
    /// would have done (its row, if it got that far, still says 'running').
    private func failure(_ entry: ControlEntry, runID: String, started: Date, rowsRead: Int, reason: String) -> EntryRunResult {
        var result = EntryRunResult(entryID: entry.id, runID: runID, status: .failed)
        result.rowsRead = rowsRead
        result.error = reason
        result.durationSeconds = Date().timeIntervalSince(started)
        if let state = try? StateDatabase(path: launch.statePath) {
            result.watermark = (try? state.watermark(entryID: entry.id))?.state
            try? state.finishRun(result)
        }
        return result
    }
}

/// A started worker: its pid and the read end of its message pipe.
private final class SpawnedWorker {
    enum End {
        case exit(Int32)
        case signal(Int32)
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let messages: Int32

    /// Starts the worker: stdin from /dev/null, stdout into a pipe, stderr shared, and the
    /// entry's lock as descriptor 3. Every descriptor of ours is close-on-exec, so workers
    /// started at the same time never hold each other's pipes.
    init(executable: String, arguments: [String], lockDescriptor: Int32?) throws(LaunchError) {
        var ends: [Int32] = [0, 0]
        guard etl_pipe_cloexec(&ends) == 0 else { throw LaunchError(description: "pipe: \(String(cString: strerror(errno)))") }
        // A copy above 3, so that dup2 onto 3 always makes a new, inheritable descriptor.
        let lockCopy = lockDescriptor.map { fcntl($0, F_DUPFD_CLOEXEC, 10) } ?? -1
        defer { if lockCopy >= 0 { close(lockCopy) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        if lockCopy >= 0 { posix_spawn_file_actions_adddup2(&actions, lockCopy, 3) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(ends[1])
        guard spawned == 0 else {
            close(ends[0])
            throw LaunchError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        messages = ends[0]
    }

    deinit {
        close(messages)
    }

    /// Calls `body` with each line the worker writes, until it closes its end.
    func readLines(_ body: (Data) -> Void) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(messages, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                body(pending[pending.startIndex..<newline])
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
    }

    /// Waits for the worker to end.
    func wait() -> End {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }
}
