import Foundation
import TestSupport
import XCTest

/// A library whose `etl_plugin_entry` never returns, sitting in a searched folder: every
/// command still ends, names the library and why, and leaves no probe process behind. The
/// deadline is set to 1 s here (ETL_PROBE_TIMEOUT_SECONDS); 5 s is the default.
final class PluginProbeHangTests: XCTestCase {
    private var workspace: RunWorkspace!
    private var hangPath = ""
    private var environment: [String: String] = [:]

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        let plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        hangPath = "\(plugins)/libetl_hang.so"
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/hang_on_load.c", output: hangPath)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: "\(plugins)/libetl_tiny_source.so")
        // Probed after the hanging one (files are probed in name order): it must still be answered.
        try CCompiler.sharedLibrary(
            "Tests/PluginABITests/Fixtures/duplicate_name.c", output: "\(plugins)/libetl_zz_after.so",
            defines: [#"DUPLICATE_NAME="after_hang""#])
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"stuck": {"plugin": "hang", "config": {}},
                         "numbers": {"plugin": "tiny", "config": {"count": 5}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "uses_hang", "source": "stuck", "stream": "x", "sink": "warehouse", "target": "x", "mode": "full"},
               {"id": "numbers", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers", "mode": "full"}]}
            """)
        environment = [
            "ETL_PROBE_TIMEOUT_SECONDS": "1",
            // A cache of this test's own, so the first command really probes.
            "ETL_PLUGIN_PROBE_CACHE": workspace.folder.file("probe-cache"),
        ]
    }

    override func tearDown() {
        // Whatever a failing run left behind must not outlive the test.
        for pid in ProbeProcesses.loading(hangPath) { kill(pid, SIGKILL) }
    }

    private var hangReason: String { "\(hangPath): did not return from etl_plugin_entry within 1 s" }

    func testListPluginsEndsAndListsTheHangingLibraryAsNotLoadable() throws {
        let outcome = try GuardedCommand.run(["list-plugins"], in: workspace.path, environment: environment)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(
            outcome.stdout.contains("  \(hangPath)\n    loadable: no — did not return from etl_plugin_entry within 1 s"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("\ntiny "), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("\nafter_hang "), outcome.stdout)
        XCTAssertEqual(ProbeProcesses.loading(hangPath), [])
    }

    func testValidateEndsAndNamesTheLibraryAndWhy() throws {
        let outcome = try GuardedCommand.run(["validate"], in: workspace.path, environment: environment)
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("$.sources.stuck.plugin: plugin \"hang\" cannot be used: \(hangReason)"), outcome.stderr)
        XCTAssertEqual(ProbeProcesses.loading(hangPath), [])
    }

    func testRunFailsOnlyTheEntryThatUsesTheHangingLibraryAndStatusShowsWhy() throws {
        let run = try GuardedCommand.run(["run"], in: workspace.path, environment: environment)
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("summary entry=numbers status=ok read=5 written=5"), run.stderr)
        XCTAssertTrue(
            run.stderr.contains("summary entry=uses_hang status=failed"), run.stderr)
        XCTAssertTrue(run.stderr.contains("source \"stuck\": plugin \"hang\" cannot be used: \(hangReason)"), run.stderr)
        XCTAssertEqual(ProbeProcesses.loading(hangPath), [])

        let status = try GuardedCommand.run(["status"], in: workspace.path, environment: environment)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("uses_hang: last run failed: source \"stuck\": plugin \"hang\" cannot be used: \(hangReason)"), status.stdout)
        XCTAssertEqual(ProbeProcesses.loading(hangPath), [])
    }

    func testAProbeDiesWithTheCommandThatStartedIt() throws {
        // A deadline long enough that only the kill below can end the probe.
        var patient = environment
        patient["ETL_PROBE_TIMEOUT_SECONDS"] = "600"
        let command = Process()
        command.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        command.arguments = ["list-plugins"]
        command.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        command.environment = ProcessInfo.processInfo.environment.merging(patient) { $1 }
        command.standardOutput = FileHandle.nullDevice
        command.standardError = FileHandle.nullDevice
        try command.run()
        XCTAssertTrue(GuardedCommand.eventually { !ProbeProcesses.loading(self.hangPath).isEmpty }, "no probe process started")
        kill(command.processIdentifier, SIGKILL)
        XCTAssertTrue(
            GuardedCommand.eventually { ProbeProcesses.loading(self.hangPath).isEmpty },
            "the probe process outlived the command: \(ProbeProcesses.loading(hangPath))")
        // Foundation sees the command end only when every process holding its descriptors has.
        for pid in ProbeProcesses.loading(hangPath) { kill(pid, SIGKILL) }
        command.waitUntilExit()
    }
}

/// Runs of `etl-runtime` that cannot hang a test: a hang guard, not a speed check.
enum GuardedCommand {
    /// A command still running after this long is hung (the deadline in these tests is 1 s).
    static let hangGuardSeconds = 60.0

    /// Runs `etl-runtime ARGUMENTS` in `folder`; fails the test and kills the command if it has
    /// not ended within `hangGuardSeconds`.
    static func run(
        _ arguments: [String], in folder: String, environment: [String: String],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Outcome {
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "ETL_PLUGIN_PATH")
        environment.forEach { merged[$0.key] = $0.value }
        let command = Process()
        command.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        command.arguments = arguments
        command.environment = merged
        command.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdout = Pipe(), stderr = Pipe()
        command.standardOutput = stdout
        command.standardError = stderr
        command.standardInput = FileHandle.nullDevice
        try command.run()
        let output = OutputCollector(stdout: stdout, stderr: stderr)
        if !eventually(within: hangGuardSeconds, { !command.isRunning }) {
            // Its children first: Foundation sees the command end only when every process
            // holding its descriptors has.
            for pid in descendants(of: command.processIdentifier) + [command.processIdentifier] { kill(pid, SIGKILL) }
            XCTFail("etl-runtime \(arguments.joined(separator: " ")) did not end within \(Int(hangGuardSeconds)) s: it hangs", file: file, line: line)
        }
        command.waitUntilExit()
        let (out, err) = output.wait()
        return Outcome(status: command.terminationStatus, stdout: out, stderr: err)
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The processes `pid` started, and theirs, from the parent pids in /proc.
    static func descendants(of pid: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
            // "pid (comm) S ppid ...": the parent follows the state letter after the closing parenthesis.
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), let child = pid_t(entry) else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(child) }
        }
        var found: [pid_t] = []
        var next = children[pid] ?? []
        while let child = next.popLast() {
            found.append(child)
            next += children[child] ?? []
        }
        return found
    }

    /// Whether `condition` became true within `seconds` (checked every 20 ms).
    static func eventually(within seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            usleep(20_000)
        }
        return true
    }
}

/// Reads a command's two pipes to their ends on background threads, so a full pipe never
/// blocks it.
private final class OutputCollector: @unchecked Sendable {
    private var out = Data(), err = Data()
    private let done = DispatchGroup()

    init(stdout: Pipe, stderr: Pipe) {
        for (pipe, isOut) in [(stdout, true), (stderr, false)] {
            let handle = pipe.fileHandleForReading
            done.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                if isOut { self.out = data } else { self.err = data }
                self.done.leave()
            }
        }
    }

    func wait() -> (String, String) {
        done.wait()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// Plugin probe processes (`etl-runtime __probe-plugins ...`) found in /proc by their command
/// line. A zombie has an empty command line, so it does not count: it runs nothing.
enum ProbeProcesses {
    static func loading(_ library: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
                return nil
            }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\u{0}").map(String.init)
            return arguments.contains("__probe-plugins") && arguments.contains(library) ? pid_t(entry) : nil
        }
    }
}
