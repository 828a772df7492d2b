import Foundation

/// Where plugin libraries are opened to read their descriptors.
public enum PluginProbeMode: Sendable {
    /// In this process: fastest, but a library that crashes in its entry function takes
    /// the process down. Used by hosts that already load plugins to run them.
    case inProcess
    /// In one child process running `executable __probe-plugins PATH...`, restarted
    /// after a crash: a faulting library costs one line of `list-plugins` output.
    case childProcess(executable: String)
}

/// Loads plugin libraries for their descriptors, in this or a child process.
public enum PluginProber {
    /// The hidden subcommand a child process runs (see `runChild`).
    public static let childCommand = "__probe-plugins"

    /// One result per path, in order.
    public static func probe(_ paths: [String], mode: PluginProbeMode) -> [Result<[PluginInfo], PluginLoadFailure>] {
        switch mode {
        case .inProcess:
            return paths.map { path in PluginLibraryLoader.load(path).map { $0.plugins.map(\.info) } }
        case .childProcess(let executable):
            return probeInChildren(paths, executable: executable)
        }
    }

    /// The child's side: loads each path and writes one JSON line per path to stdout,
    /// flushed at once, so the parent knows which library was loading if we die.
    public static func runChild(paths: [String]) {
        // Results go to a private copy of stdout; fd 1 then points at stderr, so a plugin
        // that prints while loading cannot corrupt the answer.
        let results = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for path in paths {
            let line: ProbeLine
            switch PluginLibraryLoader.load(path) {
            case .success(let library): line = ProbeLine(path: path, plugins: library.plugins.map(\.info), error: nil)
            case .failure(let failure): line = ProbeLine(path: path, plugins: nil, error: failure.reason)
            }
            let data = (try? encoder.encode(line)) ?? Data()
            // write(2), not FileHandle: a parent that gave up on us (EPIPE) must not turn into a crash.
            StderrWriter.write(String(decoding: data, as: UTF8.self) + "\n", to: results)
        }
    }

    struct ProbeLine: Codable {
        var path: String
        var plugins: [PluginInfo]?
        var error: String?
    }

    /// Probes the files the cache has no answer for, in child processes, and remembers
    /// the answers.
    private static func probeInChildren(_ paths: [String], executable: String) -> [Result<[PluginInfo], PluginLoadFailure>] {
        var cache = PluginProbeCache()
        var known: [String: Result<[PluginInfo], PluginLoadFailure>] = [:]
        let unknown = paths.filter { path in
            guard let hit = cache.lookup(path) else { return true }
            known[path] = hit
            return false
        }
        if !unknown.isEmpty {
            for (path, result) in zip(unknown, probeEachInChildren(unknown, executable: executable)) {
                known[path] = result
                cache.store(path, result)
            }
            cache.save()
        }
        return paths.map { known[$0]! }
    }

    private static func probeEachInChildren(_ paths: [String], executable: String) -> [Result<[PluginInfo], PluginLoadFailure>] {
        var results: [Result<[PluginInfo], PluginLoadFailure>] = []
        var remaining = paths[...]
        while !remaining.isEmpty {
            let (lines, exit) = runProbeProcess(executable: executable, paths: Array(remaining))
            for line in lines.prefix(remaining.count) {
                if let plugins = line.plugins {
                    results.append(.success(plugins))
                } else {
                    results.append(.failure(PluginLoadFailure(libraryPath: line.path, reason: line.error ?? "failed to load")))
                }
            }
            remaining = remaining.dropFirst(lines.count)
            guard let culprit = remaining.first else { break }
            // The child stopped before answering for `culprit`: it died loading it.
            results.append(.failure(PluginLoadFailure(libraryPath: culprit, reason: exit.crashDescription)))
            remaining = remaining.dropFirst()
        }
        return results
    }

    private static func runProbeProcess(executable: String, paths: [String]) -> ([ProbeLine], ChildExit) {
        let child: ChildProcess
        do {
            child = try ChildProcess(executable, [childCommand] + paths, stderr: .discard)
        } catch {
            return ([], ChildExit(signal: nil, status: nil, launchError: error.description))
        }
        let decoder = JSONDecoder()
        var lines: [ProbeLine] = []
        child.readLines { line in
            if let decoded = try? decoder.decode(ProbeLine.self, from: line) { lines.append(decoded) }
        }
        switch child.wait() {
        case .exit(let status): return (lines, ChildExit(signal: nil, status: status, launchError: nil))
        case .signal(let signal): return (lines, ChildExit(signal: signal, status: nil, launchError: nil))
        }
    }

    struct ChildExit {
        var signal: Int32?
        var status: Int32?
        var launchError: String?

        var crashDescription: String {
            if let launchError { return "could not start the probe process: \(launchError)" }
            if let signal {
                let name = String(cString: strsignal(signal))
                return "crashed while loading (signal \(signal), \(name)); its etl_plugin_entry or a library constructor faulted"
            }
            return "the probe process exited with status \(status ?? -1) while loading it"
        }
    }
}
