import ETLRuntimeCore
import Foundation

/// Watches one worker process until it ends: reads its messages (progress, then its result)
/// and logs what its plugins write to its descriptors 1 and 2. Waits on all of these at once
/// (`poll`), so it wakes for whichever comes first.
struct WorkerWatch {
    /// What the watch saw.
    struct Outcome {
        /// The worker's result, if it sent one before it ended.
        var result: EntryRunResult?
        var end: ChildProcess.End
        /// Rows read, from its last progress message.
        var rowsRead: Int
    }

    let process: ChildProcess
    let pluginOutput: PluginOutputLog
    let progress: (Int) -> Void

    private let decoder = JSONDecoder()
    private var result: EntryRunResult?
    private var rowsRead = 0
    private var messages = OutputLines(limit: Int.max)
    private var outputLines = OutputLines()
    private var errorLines = OutputLines()

    init(process: ChildProcess, pluginOutput: PluginOutputLog, progress: @escaping (Int) -> Void) {
        self.process = process
        self.pluginOutput = pluginOutput
        self.progress = progress
    }

    /// Watches until the worker has ended; `output` and `errors` are the read ends of the
    /// pipes its descriptors 1 and 2 write to (non-blocking).
    mutating func run(output: Int32, errors: Int32) -> Outcome {
        let channel = process.pollableOutput()
        var open = [channel, output, errors]
        var end: ChildProcess.End?
        while end == nil {
            var wait: Double?
            if !open.contains(channel) {
                // The worker closes its channel as it exits (or a plugin closed it): from here
                // its end is looked for every 50 ms, not waited for, so that a plugin's child
                // holding the output pipes open cannot keep us here.
                end = process.endIfExited()
                wait = 0.05
            }
            let ready = DescriptorPolling.readable(open, waitingAtMost: end == nil ? wait : 0)
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
        return Outcome(result: result, end: end ?? .exit(0), rowsRead: rowsRead)
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
        if let rows = message.rowsRead {
            rowsRead = rows
            progress(rows)
        }
        if let final = message.result { result = final }
    }
}
