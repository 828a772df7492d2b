import ETLRuntimeCore
import Foundation
import Logging

/// Watches one worker process until it ends: reads its messages (progress, then its result),
/// logs what its plugins write to its descriptors 1 and 2, and keeps its deadlines — asks it to
/// stop when its `timeout` passes or a stop is requested, and kills it when it has not stopped
/// within its `stop_timeout`. Waits on all of these at once (`poll`), so it wakes for whichever
/// comes first.
struct WorkerWatch {
    /// What the watch saw.
    struct Outcome {
        /// The worker's result, if it sent one before it ended.
        var result: EntryRunResult?
        var end: ChildProcess.End
        /// Rows read, from its last progress message.
        var rowsRead: Int
        var deadlines: EntryDeadlines
        /// The plugin call the worker was in when it crashed, as its crash handler reported it.
        var crashedIn: String?
    }

    let process: ChildProcess
    var deadlines: EntryDeadlines
    let pluginOutput: PluginOutputLog
    let progress: (LoadProgress) -> Void

    private let logger = Logger(label: "etl.run")
    private let decoder = JSONDecoder()
    private var result: EntryRunResult?
    private var rowsRead = 0
    private var crashedIn: String?
    private var messages = OutputLines(limit: Int.max)
    private var outputLines = OutputLines()
    private var errorLines = OutputLines()

    init(process: ChildProcess, deadlines: EntryDeadlines, pluginOutput: PluginOutputLog, progress: @escaping (LoadProgress) -> Void) {
        self.process = process
        self.deadlines = deadlines
        self.pluginOutput = pluginOutput
        self.progress = progress
    }

    /// Watches until the worker has ended; `output` and `errors` are the read ends of the
    /// pipes its descriptors 1 and 2 write to (non-blocking).
    mutating func run(output: Int32, errors: Int32) -> Outcome {
        let channel = process.pollableOutput()
        var open = [channel, output, errors]
        var end: ChildProcess.End?
        // How long to wait before looking again for the end of a worker that closed its channel:
        // it is usually gone within a millisecond or two, so the first looks come soon.
        var exitPoll = 0.001
        while end == nil {
            let now = MonotonicTime.seconds()
            if let action = deadlines.due(now: now, stopRequested: CancellationFlag.isCancelled) { act(action) }
            var wait = deadlines.secondsToNextDeadline(now: now)
            if !open.contains(channel) {
                // The worker closes its channel as it exits (or a plugin closed it): from here
                // its end is looked for after 1 ms, then after twice as long each time up to
                // every 50 ms, not waited for, so that its deadlines hold and a plugin's child
                // holding the output pipes open cannot keep us here.
                end = process.endIfExited()
                wait = min(wait ?? exitPoll, exitPoll)
                exitPoll = min(exitPoll * 2, 0.05)
            }
            var watched = open
            if deadlines.reason == nil, let notice = StopNotice.descriptor { watched.append(notice) }
            let ready = DescriptorPolling.readable(watched, waitingAtMost: end == nil ? wait : 0)
            for descriptor in open where ready.contains(descriptor) || end != nil {
                // Once it ended, what it wrote before is still in the pipes: read it all.
                guard let bytes = DescriptorPolling.readAvailable(descriptor) else {
                    open.removeAll { $0 == descriptor }
                    continue
                }
                handle(bytes, from: descriptor, channel: channel, output: output)
            }
        }
        if let line = messages.finish() { handleMessage(line.bytes) }
        if let line = outputLines.finish() { pluginOutput.log(line, from: .stdout) }
        if let line = errorLines.finish() { pluginOutput.log(line, from: .stderr) }
        return Outcome(result: result, end: end ?? .exit(0), rowsRead: rowsRead, deadlines: deadlines, crashedIn: crashedIn)
    }

    private func act(_ action: EntryDeadlines.Action) {
        switch action {
        case .askToStop(let reason):
            logger.log(level: reason == .timedOut ? .warning : .info, "\(deadlines.askedToStopMessage(inProcess: false))")
            // A stop request reached the worker through the signal handler already; once more
            // does no harm (its handler only sets a flag).
            kill(process.pid, WorkerRegistry.stopSignal)
        case .kill:
            logger.warning("\(deadlines.killedMessage(pid: process.pid))")
            kill(process.pid, SIGKILL)
        }
    }

    private mutating func handle(_ bytes: [UInt8], from descriptor: Int32, channel: Int32, output: Int32) {
        guard !bytes.isEmpty else { return }
        if descriptor == channel {
            for line in messages.append(bytes) { handleMessage(line.bytes) }
        } else if descriptor == output {
            for line in outputLines.append(bytes) { pluginOutput.log(line, from: .stdout) }
        } else {
            for line in errorLines.append(bytes) { pluginOutput.log(line, from: .stderr) }
        }
    }

    private mutating func handleMessage(_ line: [UInt8]) {
        guard let message = try? decoder.decode(WorkerMessage.self, from: Data(line)) else { return }
        if let reported = message.progress {
            rowsRead = reported.rows
            progress(reported)
        }
        if let final = message.result { result = final }
        if let site = message.crashedIn { crashedIn = site }
    }
}
