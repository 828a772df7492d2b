import ArgumentParser
import CProcessControl
import ETLRuntimeCore
import Foundation
import Logging
import Synchronization

/// `etl-runtime __run-entry`: the worker process `run` starts for each entry (hidden; see
/// `EntryWorker`). It runs one entry as `run` would in-process, sends its progress and result
/// to the run over its standard output, and dies with the run if the run dies. The run holds
/// the entry's lock and passes it down as descriptor 3, so the lock lasts as long as the work.
struct EntryWorkerCommand: ParsableCommand {
    static let commandName = "__run-entry"
    static let configuration = CommandConfiguration(
        commandName: commandName, abstract: "Run one entry for `etl-runtime run` (internal).", shouldDisplay: false)

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The entry to run.")
    var entry: String

    @Option(name: .customLong("run-id"), help: "The run this entry belongs to.")
    var runID: String

    @Option(name: .long, help: "The pid of the run that started this worker.")
    var parent: Int32

    @Flag(name: .long, help: "Ignore the watermark: reload everything.")
    var fullRefresh = false

    @Flag(name: .long, help: "Load targets another project owns, making this one their owner.")
    var takeOwnership = false

    func run() throws {
        // A worker outliving its run could load the entry next to a new run's worker.
        guard etl_set_parent_death_signal(SIGKILL) == 0, getppid() == parent else { throw ExitCode.failure }
        SignalHandling.installInWorker()
        WorkerMemory.keepFreedBlocksForReuse()
        // Keep the entry's lock (fd 3) for this process alone: a plugin probe it starts must
        // not inherit it.
        _ = fcntl(3, F_SETFD, FD_CLOEXEC)
        let channel = WorkerChannel.takeStandardStreams()
        // A crash inside a plugin call is reported on the channel, naming the plugin.
        PluginCrashReport.install(reportingTo: channel.descriptor)
        global.bootstrapLogging()
        let context = try location.loadContext()
        let selected: ControlEntry
        do {
            guard let found = try context.selectEntries([entry]).first else { throw ExitCodes.usage }
            selected = found
        } catch {
            throw Console.usage("\(error)")
        }
        let options = EntryRunner.Options(
            fullRefresh: fullRefresh, takeOwnership: takeOwnership, progress: { _, progress in channel.send(.init(progress: progress)) })
        channel.send(.init(result: context.runEntry(selected, runID: runID, options: options, logger: Logger(label: "etl.run"))))
    }
}

/// One line from a worker to its run: progress, or the entry's result (the last line).
struct WorkerMessage: Codable {
    var progress: LoadProgress?
    var result: EntryRunResult?
    /// The plugin call the worker crashed in, written by `PluginCrashReport`'s signal handler.
    var crashedIn: String?

    init(progress: LoadProgress? = nil, result: EntryRunResult? = nil) {
        self.progress = progress
        self.result = result
    }
}

/// The worker's end of the line to its run: a private copy of standard output. Descriptors 1
/// and 2 are then pointed at the pipes the run passed as 4 and 5 (`pluginOutput`,
/// `pluginErrors`), so what a plugin prints reaches the run, which logs it line by line tagged
/// with the plugin; it can neither corrupt the messages nor pass for a log line. The worker's own
/// log lines go to a private copy of stderr (`StderrWriter.use`).
/// Written with `write(2)` (through `StderrWriter`): once the run is gone, the pipe answers
/// EPIPE, which must not kill the worker before the parent-death signal does.
final class WorkerChannel: Sendable {
    /// The worker's descriptor for the pipe its plugins' standard output goes to.
    static let pluginOutput: Int32 = 4
    /// The worker's descriptor for the pipe its plugins' standard error goes to.
    static let pluginErrors: Int32 = 5

    private let output: Int32
    /// One message at a time, whole (progress comes from the read-ahead thread too).
    private let encoder = Mutex(JSONEncoder())

    private init(output: Int32) {
        self.output = output
    }

    /// The descriptor the messages go to.
    var descriptor: Int32 { output }

    static func takeStandardStreams() -> WorkerChannel {
        let channel = WorkerChannel(output: fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 10))
        StderrWriter.use(fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10))
        for (pipe, standard) in [(pluginOutput, STDOUT_FILENO), (pluginErrors, STDERR_FILENO)] {
            if fcntl(pipe, F_GETFD) != -1 {
                dup2(pipe, standard)
                close(pipe)
            } else if standard == STDOUT_FILENO {
                // Without the pipe, never leave the channel on descriptor 1.
                dup2(STDERR_FILENO, STDOUT_FILENO)
            }
        }
        etl_line_buffer_standard_output()
        return channel
    }

    func send(_ message: WorkerMessage) {
        encoder.withLock { encoder in
            guard let line = try? encoder.encode(message) else { return }
            StderrWriter.write(String(decoding: line, as: UTF8.self) + "\n", to: output)
        }
    }
}
