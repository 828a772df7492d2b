import CProcessControl
import Foundation
import Synchronization

/// Keeps what plugins print out of the runtime's own output, for commands that run plugins in
/// this process (`preview`, `discover`, `check`, `run --in-process`). Descriptors 1 and 2 are
/// pointed at pipes, which a thread reads and logs line by line (`PluginOutputLog`); the
/// runtime writes its results to `standardOutput` and its log lines through `StderrWriter`,
/// both private copies of the real streams. Worker processes get the same from the run that
/// starts them (see `EntryWorker`), which reads their descriptors 1 and 2.
package final class PluginOutputCapture: @unchecked Sendable {
    private static let runtimeOutput = Atomic<Int32>(STDOUT_FILENO)

    /// Where the runtime's own results go: descriptor 1, or while plugin output is captured,
    /// the copy of the real stdout.
    package static var standardOutput: Int32 { runtimeOutput.load(ordering: .sequentiallyConsistent) }

    private let realOutput: Int32
    private let realError: Int32
    private let outputPipe: Int32
    private let errorPipe: Int32
    private let wake: (read: Int32, write: Int32)
    /// Guards everything below; the reader holds it while it logs what it read.
    private let condition = NSCondition()
    private var log: PluginOutputLog
    private var outputLines = OutputLines()
    private var errorLines = OutputLines()
    private var readerDone = false

    /// Starts capturing, tagging lines with `plugin` (see `PluginOutputLog.label`). Returns nil,
    /// and captures nothing, when the pipes cannot be made: plugin output then goes where it
    /// always went.
    package static func start(plugin: String) -> PluginOutputCapture? {
        guard let output = DescriptorPolling.makePipe(), let error = DescriptorPolling.makePipe(),
              let wake = DescriptorPolling.makePipe() else { return nil }
        let realOutput = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 10), realError = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10)
        guard realOutput >= 0, realError >= 0 else { return nil }
        // Whatever the runtime printed through stdio so far goes out before the switch.
        _ = etl_flush_standard_output()
        dup2(output.write, STDOUT_FILENO)
        dup2(error.write, STDERR_FILENO)
        close(output.write)
        close(error.write)
        etl_line_buffer_standard_output()
        runtimeOutput.store(realOutput, ordering: .sequentiallyConsistent)
        StderrWriter.use(realError)
        let capture = PluginOutputCapture(
            realOutput: realOutput, realError: realError, outputPipe: output.read, errorPipe: error.read, wake: wake,
            log: PluginOutputLog(plugin: plugin))
        let reader = Thread { capture.readUntilFinished() }
        reader.name = "etl-plugin-output"
        reader.start()
        return capture
    }

    private init(realOutput: Int32, realError: Int32, outputPipe: Int32, errorPipe: Int32, wake: (read: Int32, write: Int32), log: PluginOutputLog) {
        self.realOutput = realOutput
        self.realError = realError
        self.outputPipe = outputPipe
        self.errorPipe = errorPipe
        self.wake = wake
        self.log = log
    }

    /// Tags lines with `plugin` from now on. What plugins printed until now (and their calls
    /// have returned) is logged first under the previous tag: `check` calls one plugin after
    /// the other, and each line is then put down to the right one.
    package func attribute(to plugin: String) {
        _ = etl_flush_standard_output()
        condition.lock()
        defer { condition.unlock() }
        // The reader holds the lock while it handles what it read, so once both pipes are
        // empty here, every byte written before has been logged.
        while !readerDone, !DescriptorPolling.readable([outputPipe, errorPipe], waitingAtMost: 0).isEmpty {
            condition.wait()
        }
        flushPartialLines()
        log = PluginOutputLog(plugin: plugin)
    }

    /// Stops capturing: descriptors 1 and 2 are the real streams again (for what the process
    /// writes as it exits), and everything plugins printed has been logged.
    package func finish() {
        _ = etl_flush_standard_output()
        dup2(realOutput, STDOUT_FILENO)
        dup2(realError, STDERR_FILENO)
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        condition.lock()
        while !readerDone { condition.wait() }
        condition.unlock()
        StderrWriter.use(STDERR_FILENO)
        Self.runtimeOutput.store(STDOUT_FILENO, ordering: .sequentiallyConsistent)
        for descriptor in [realOutput, realError, outputPipe, errorPipe, wake.read, wake.write] { close(descriptor) }
    }

    private func readUntilFinished() {
        var open = [outputPipe, errorPipe]
        var finishing = false
        while !open.isEmpty {
            let ready = finishing ? open : DescriptorPolling.readable(open + [wake.read], waitingAtMost: nil)
            if ready.contains(wake.read) { finishing = true }
            condition.lock()
            for descriptor in open where ready.contains(descriptor) || finishing {
                let bytes = DescriptorPolling.readAvailable(descriptor)
                // At the end, a pipe a plugin's own child still holds open is left unread.
                if bytes == nil || finishing && bytes?.isEmpty == true { open.removeAll { $0 == descriptor } }
                handle(bytes ?? [], from: descriptor)
            }
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        flushPartialLines()
        readerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Logs the lines `bytes` completes. Called with the lock held.
    private func handle(_ bytes: [UInt8], from descriptor: Int32) {
        guard !bytes.isEmpty else { return }
        if descriptor == outputPipe {
            for line in outputLines.append(bytes) { log.log(line, from: .stdout) }
        } else {
            for line in errorLines.append(bytes) { log.log(line, from: .stderr) }
        }
    }

    /// Logs lines that never got their newline. Called with the lock held.
    private func flushPartialLines() {
        if let line = outputLines.finish() { log.log(line, from: .stdout) }
        if let line = errorLines.finish() { log.log(line, from: .stderr) }
    }
}
