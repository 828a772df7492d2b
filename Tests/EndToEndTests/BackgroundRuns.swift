import Foundation
import TestSupport

/// Runs started in the background, for tests that signal or kill them mid-way.
extension RunWorkspace {
    /// One full entry "slow" reading `/slow/tasks` of `server`, which answers after 30 s: a run
    /// that is surely waiting on the network when a test acts on it.
    func slowAPIManifest(_ server: MockAPIServer) throws {
        try manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "timeout_seconds": 60,
                 "streams": {"tasks": {"path": "/slow/tasks", "query": {"delay": "30"}, "records_path": "$.tasks",
                  "pagination": {"type": "none"}}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "slow", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full"}]"#)
    }

    /// Starts `etl-runtime ARGUMENTS` in this folder; its stderr is read from the pipe once it ended.
    /// With `clockOffset` it runs on a host whose clock is that far off (see `SkewedClock`).
    func startRun(_ arguments: [String], clockOffset: String? = nil) throws -> (process: Process, stderr: Pipe) {
        let run = Process()
        let command = try SkewedClock.command(TestPaths.runtimeExecutable, arguments, offset: clockOffset)
        run.executableURL = URL(fileURLWithPath: command.executable)
        run.arguments = command.arguments
        run.environment = command.environment
        run.currentDirectoryURL = URL(fileURLWithPath: path)
        let stderr = Pipe()
        run.standardError = stderr
        try run.run()
        return (run, stderr)
    }
}

/// Waits for a run `startRun` started to end: its exit status and what it wrote to stderr.
func finish(_ run: (process: Process, stderr: Pipe)) -> (status: Int32, stderr: String) {
    let text = String(decoding: run.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    run.process.waitUntilExit()
    return (run.process.terminationStatus, text)
}

/// The worker processes (`etl-runtime __run-entry`) a run started, found by their command line
/// in /proc. A zombie has an empty command line, so it does not count.
enum WorkerProcesses {
    static func of(parent: Int32) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
                return nil
            }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\u{0}").map(String.init)
            guard arguments.contains("__run-entry"), let index = arguments.firstIndex(of: "--parent"),
                  index + 1 < arguments.count, arguments[index + 1] == "\(parent)" else { return nil }
            return pid_t(entry)
        }
    }
}
