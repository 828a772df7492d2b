import CProcessControl
import Foundation

/// Where plugin libraries are opened to read their descriptors.
package enum PluginProbeMode: Sendable {
    /// In this process: fastest, but a library that crashes or hangs in its entry function
    /// takes the process with it. Used by hosts that already load plugins to run them.
    case inProcess
    /// In one child process running `executable __probe-plugins PATH...`, restarted after a
    /// crash or a hang: a faulting library costs one line of `list-plugins` output, and a
    /// library whose entry function does not return within `deadline` is killed with its probe.
    case childProcess(executable: String, deadline: PluginProbeDeadline = PluginProbeDeadline(seconds: PluginProbeDeadline.defaultSeconds))
}

/// Loads plugin libraries for their descriptors, in this or a child process.
package enum PluginProber {
    /// The hidden subcommand a child process runs (see `runChild`).
    package static let childCommand = "__probe-plugins"
    /// The child's first argument: the pid of the process that started it.
    static let parentOption = "--parent="
    /// The child's first line: it started and is about to load the first library. The deadline
    /// of each library runs from the line before it, so a slow start on a loaded machine is
    /// never blamed on a library.
    static let readyLine = "ready"
    /// How long a probe process may take to start (before any library code runs).
    static let startAllowance = 30.0

    /// One result per path, in order.
    package static func probe(_ paths: [String], mode: PluginProbeMode) -> [Result<[PluginInfo], PluginLoadFailure>] {
        switch mode {
        case .inProcess:
            return paths.map { path in PluginLibraryLoader.load(path).map { $0.plugins.map(\.info) } }
        case .childProcess(let executable, let deadline):
            return probeInChildren(paths, executable: executable, deadline: deadline)
        }
    }

    /// The child's side: loads each path and writes one JSON line per path to stdout,
    /// flushed at once, so the parent knows which library was loading if we die or hang.
    /// `arguments` may start with `--parent=PID`: the child then dies with that process.
    package static func runChild(paths arguments: [String]) {
        var paths = arguments[...]
        if let first = paths.first, first.hasPrefix(parentOption) {
            paths = paths.dropFirst()
            // A probe must not outlive its command, even one killed with SIGKILL: the kernel
            // kills us when the parent dies. Checked after, in case it died before we asked.
            let parent = pid_t(first.dropFirst(parentOption.count)) ?? 0
            guard etl_set_parent_death_signal(SIGKILL) == 0, getppid() == parent else { exit(70) }
        }
        // A worker ignores SIGTERM and SIGINT (only its run stops it), and a process started
        // by exec keeps ignored signals: without this, a probe started by a worker could not
        // be stopped by anything but SIGKILL.
        resetStopSignals()
        // Results go to a private copy of stdout; fd 1 then points at stderr, so a plugin
        // that prints while loading cannot corrupt the answer.
        let results = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // write(2), not FileHandle: a parent that gave up on us (EPIPE) must not turn into a crash.
        StderrWriter.write(readyLine + "\n", to: results)
        for path in paths {
            let line: ProbeLine
            switch PluginLibraryLoader.load(path) {
            case .success(let library): line = ProbeLine(path: path, plugins: library.plugins.map(\.info), error: nil)
            case .failure(let failure): line = ProbeLine(path: path, plugins: nil, error: failure.reason)
            }
            let data = (try? encoder.encode(line)) ?? Data()
            StderrWriter.write(String(decoding: data, as: UTF8.self) + "\n", to: results)
        }
    }

    private static func resetStopSignals() {
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_DFL)
            sigaddset(&mask, number)
        }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    struct ProbeLine: Codable {
        var path: String
        var plugins: [PluginInfo]?
        var error: String?
    }

    /// The answer for one library, and whether the cache may keep it.
    struct Answer {
        enum Keep {
            /// A property of the file: kept while the file is unchanged.
            case always
            /// A hang: kept for the unchanged file, but only for probes with this deadline or a shorter one.
            case timedOut(PluginProbeDeadline)
            /// Not the library's doing (the probe process could not start): asked again next time.
            case never
        }

        var result: Result<[PluginInfo], PluginLoadFailure>
        var keep: Keep
    }

    /// Probes the files the cache has no answer for, in child processes, and remembers
    /// the answers.
    private static func probeInChildren(
        _ paths: [String], executable: String, deadline: PluginProbeDeadline
    ) -> [Result<[PluginInfo], PluginLoadFailure>] {
        var cache = PluginProbeCache()
        var known: [String: Result<[PluginInfo], PluginLoadFailure>] = [:]
        let unknown = paths.filter { path in
            guard let hit = cache.lookup(path, deadline: deadline) else { return true }
            known[path] = hit
            return false
        }
        if !unknown.isEmpty {
            for (path, answer) in zip(unknown, probeEachInChildren(unknown, executable: executable, deadline: deadline)) {
                known[path] = answer.result
                cache.store(path, answer)
            }
            cache.save()
        }
        return paths.map { known[$0]! }
    }

    /// Probes `paths` in one child process; when it dies or hangs on a library, that library
    /// is answered for and the rest are probed in a new child.
    static func probeEachInChildren(_ paths: [String], executable: String, deadline: PluginProbeDeadline) -> [Answer] {
        var answers: [Answer] = []
        var remaining = paths[...]
        while !remaining.isEmpty {
            let run = runProbeProcess(executable: executable, paths: Array(remaining), deadline: deadline)
            for line in run.lines.prefix(remaining.count) {
                if let plugins = line.plugins {
                    answers.append(Answer(result: .success(plugins), keep: .always))
                } else {
                    answers.append(Answer(
                        result: .failure(PluginLoadFailure(libraryPath: line.path, reason: line.error ?? "failed to load")), keep: .always))
                }
            }
            remaining = remaining.dropFirst(run.lines.count)
            guard let culprit = remaining.first else { break }
            switch run.end {
            case .didNotStart(let reason):
                answers += remaining.map { Answer(result: .failure(PluginLoadFailure(libraryPath: $0, reason: reason)), keep: .never) }
                return answers
            case .timedOut:
                answers.append(Answer(
                    result: .failure(PluginLoadFailure(libraryPath: culprit, reason: hangDescription(deadline))), keep: .timedOut(deadline)))
            case .ended(let exit):
                // The child stopped before answering for `culprit`: it died loading it.
                answers.append(Answer(result: .failure(PluginLoadFailure(libraryPath: culprit, reason: exit.crashDescription)), keep: .always))
            }
            remaining = remaining.dropFirst()
        }
        return answers
    }

    /// Why a library that hung is not loadable.
    static func hangDescription(_ deadline: PluginProbeDeadline) -> String {
        "did not return from etl_plugin_entry within \(deadline.description) (the probe process was killed); "
            + "an entry function must only hand back its descriptors — fix or remove the library, "
            + "or allow longer with \(PluginProbeDeadline.variable)"
    }

    struct ProbeRun {
        enum End {
            case ended(ChildExit)
            /// The library after the last answer did not finish loading in time.
            case timedOut
            case didNotStart(String)
        }

        var lines: [ProbeLine]
        var end: End
    }

    private static func runProbeProcess(executable: String, paths: [String], deadline: PluginProbeDeadline) -> ProbeRun {
        let child: ChildProcess
        do {
            child = try ChildProcess(executable, [childCommand, parentOption + "\(getpid())"] + paths, stderr: .discard)
        } catch {
            return ProbeRun(lines: [], end: .didNotStart("could not start the probe process: \(error.description)"))
        }
        let decoder = JSONDecoder()
        var lines: [ProbeLine] = []
        var started = false
        let finished = child.readLines(waitingAtMost: { $0 == 0 ? max(startAllowance, deadline.seconds) : deadline.seconds }) { line in
            if !started {
                started = line.elementsEqual(readyLine.utf8)
            } else if let decoded = try? decoder.decode(ProbeLine.self, from: line) {
                lines.append(decoded)
            }
        }
        guard finished else {
            child.send(SIGKILL)
            _ = child.wait()
            guard started else {
                return ProbeRun(lines: [], end: .didNotStart(
                    "could not be probed: the probe process did not start within \(PluginProbeDeadline.describe(startAllowance)) (is the machine overloaded?)"))
            }
            return ProbeRun(lines: lines, end: .timedOut)
        }
        let exit: ChildExit
        switch child.wait() {
        case .exit(let status): exit = ChildExit(signal: nil, status: status)
        case .signal(let signal): exit = ChildExit(signal: signal, status: nil)
        }
        guard started else {
            return ProbeRun(lines: [], end: .didNotStart("could not be probed: the probe process ended before it loaded anything (\(exit.endDescription))"))
        }
        return ProbeRun(lines: lines, end: .ended(exit))
    }

    struct ChildExit {
        var signal: Int32?
        var status: Int32?

        var crashDescription: String {
            if let signal {
                let name = String(cString: strsignal(signal))
                return "crashed while loading (signal \(signal), \(name)); its etl_plugin_entry or a library constructor faulted"
            }
            return "the probe process exited with status \(status ?? -1) while loading it"
        }

        var endDescription: String {
            signal.map { "signal \($0), \(String(cString: strsignal($0)))" } ?? "exit status \(status ?? -1)"
        }
    }
}
