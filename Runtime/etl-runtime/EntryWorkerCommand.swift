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
///
/// Its arguments are read here, not by ArgumentParser: only `run` writes them (`arguments`),
/// and parsing them with the whole command tree cost each worker 21.5 M instructions, about
/// 5 ms of every entry's start (callgrind).
struct EntryWorkerCommand: Equatable {
    static let commandName = "__run-entry"

    var manifestPath = "plugins.json"
    var pluginDirectories: [String] = []
    var logFormat = LogFormatArgument.text
    var verbose = false
    var quiet = false
    /// The entry to run.
    var entry = ""
    /// The run this entry belongs to.
    var runID = ""
    /// The pid of the run that started this worker.
    var parent: Int32 = 0
    /// Ignore the watermark: reload everything.
    var fullRefresh = false
    /// Load targets another project owns, making this one their owner.
    var takeOwnership = false

    /// The command line after `__run-entry`, as `init(parsing:)` reads it back.
    var arguments: [String] {
        var arguments = ["--manifest", manifestPath, "--log-format", logFormat.rawValue]
        for folder in pluginDirectories { arguments += ["--plugin-dir", folder] }
        if verbose { arguments.append("--verbose") }
        if quiet { arguments.append("--quiet") }
        arguments += ["--entry", entry, "--run-id", runID, "--parent", "\(parent)"]
        if fullRefresh { arguments.append("--full-refresh") }
        if takeOwnership { arguments.append("--take-ownership") }
        return arguments
    }

    /// Reads `arguments` (what follows `__run-entry`); throws a `Usage` naming the first one
    /// that does not belong.
    init(parsing arguments: [String]) throws(Usage) {
        var rest = arguments[...]
        var seen: Set<String> = []
        func value(of option: String) throws(Usage) -> String {
            guard let value = rest.popFirst() else { throw Usage("\(option) needs a value") }
            return value
        }
        while let option = rest.popFirst() {
            if option != "--plugin-dir" {
                guard seen.insert(option).inserted else { throw Usage("\(option) is given twice") }
            }
            switch option {
            case "--manifest": manifestPath = try value(of: option)
            case "--plugin-dir": pluginDirectories.append(try value(of: option))
            case "--log-format":
                let text = try value(of: option)
                guard let format = LogFormatArgument(rawValue: text) else { throw Usage("--log-format must be text or json, not \(text)") }
                logFormat = format
            case "--verbose": verbose = true
            case "--quiet": quiet = true
            case "--entry": entry = try value(of: option)
            case "--run-id": runID = try value(of: option)
            case "--parent":
                let text = try value(of: option)
                guard let pid = Int32(text), pid > 0 else { throw Usage("--parent must be a process id, not \(text)") }
                parent = pid
            case "--full-refresh": fullRefresh = true
            case "--take-ownership": takeOwnership = true
            default: throw Usage("unknown argument \(option)")
            }
        }
        for (option, missing) in [("--entry", entry.isEmpty), ("--run-id", runID.isEmpty), ("--parent", parent == 0)] where missing {
            throw Usage("\(option) is required")
        }
    }

    /// The options `run` was given; `EntryWorker` fills in the entry, run and parent per worker.
    init(manifestPath: String, pluginDirectories: [String], logFormat: LogFormatArgument, verbose: Bool, quiet: Bool) {
        self.manifestPath = manifestPath
        self.pluginDirectories = pluginDirectories
        self.logFormat = logFormat
        self.verbose = verbose
        self.quiet = quiet
    }

    /// A command line the worker refuses: only a bug in `run`, or a person, writes one.
    struct Usage: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The worker process: parses `arguments`, runs the entry, exits.
    static func main(_ arguments: [String]) -> Never {
        let command: EntryWorkerCommand
        do {
            command = try EntryWorkerCommand(parsing: arguments)
        } catch {
            Console.error("etl-runtime \(commandName): \(error)")
            exit(ExitCodes.usage.rawValue)
        }
        do {
            try command.run()
            StandardStreams.finishStandardOutput()
            exit(0)
        } catch let error as StateDatabaseError where error.kind == .unusable {
            Console.error("etl-runtime: \(error)")
            exit(ExitCodes.invalidConfiguration.rawValue)
        } catch {
            // What the other commands' errors get (an ExitCode exits with its code, silently).
            ETLRuntimeCommand.exit(withError: error)
        }
    }

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
        StderrLogHandler.bootstrap(format: logFormat.format, level: verbose ? .debug : quiet ? .error : .info)
        let context = try ManifestContext.loadOrReport(manifestPath: manifestPath, pluginDirectories: pluginDirectories)
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
