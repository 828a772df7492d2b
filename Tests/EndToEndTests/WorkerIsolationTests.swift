import Foundation
import TestSupport
import XCTest

/// Each entry runs in a worker process of its own: a plugin that crashes fails only its
/// entry, recorded as failed with the signal, and the other entries still run.
final class WorkerIsolationTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        let plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: "\(plugins)/libetl_tiny_source.so")
        try CCompiler.sharedLibrary(
            "Tests/PluginABITests/Fixtures/tiny_source.c", output: "\(plugins)/libetl_crasher.so",
            defines: [#"TINY_SOURCE_NAME="crasher""#, "TINY_CRASH_AFTER_FIRST_BATCH"])
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"broken": {"plugin": "crasher", "config": {"count": 100}},
                         "numbers": {"plugin": "tiny", "config": {"count": 50}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "crashes", "source": "broken", "stream": "numbers", "sink": "warehouse", "target": "crashed",
                "mode": "incremental", "write": "append", "cursor_field": "n", "batch_size": 10},
               {"id": "survives", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers",
                "mode": "full", "batch_size": 10}]}
            """)
    }

    private func warehouse(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAPluginThatCrashesFailsOnlyItsOwnEntry() throws {
        for jobs in ["1", "2"] {
            let outcome = try workspace.run(["run", "--jobs", jobs])
            XCTAssertEqual(outcome.status, 1, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("summary entry=crashes status=failed"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(#"died of signal 11 (Segmentation fault) in source plugin "crasher" ("#), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("summary entry=survives status=ok read=50 written=50"), outcome.stderr)
            // The crash report is short and names the plugin that crashed.
            XCTAssertTrue(outcome.stderr.contains("in libetl_crasher.so"), outcome.stderr)
            XCTAssertFalse(outcome.stderr.contains("Registers:"), outcome.stderr)
            XCTAssertEqual(try warehouse("SELECT count(*), sum(n) FROM numbers"), "50|1275")
        }
        XCTAssertEqual(
            try workspace.stateQuery(
                "SELECT entry_id, status, coalesce(error, '') LIKE '%signal 11%' FROM etl_runs ORDER BY entry_id, started_at"),
            "crashes|failed|1\ncrashes|failed|1\nsurvives|ok|0\nsurvives|ok|0\n")
        // What the crashed entry committed matches the state its sink committed with it (the
        // control table catches up at the next start). The crash may even come before the
        // first commit: the next batch is read while the previous one is written.
        let hasTable = try warehouse("SELECT count(*) FROM sqlite_master WHERE name = 'crashed'") == "1"
        let committed = hasTable ? Int(try warehouse("SELECT count(*) FROM crashed")) ?? -1 : 0
        let sinkState = hasTable ? try warehouse("SELECT state_json FROM _etl_state WHERE entry_id = 'crashes'") : ""
        XCTAssertEqual(sinkState, committed == 0 ? "" : "{\"next\": \(committed + 1)}")
    }

    func testEntriesRunInWorkerProcessesUnlessAskedToRunInProcess() throws {
        for (arguments, separate) in [(["run", "--entry", "survives"], true), (["run", "--entry", "survives", "--in-process"], false)] {
            let run = Process()
            run.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
            run.arguments = arguments
            run.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
            run.standardError = FileHandle.nullDevice
            try run.run()
            run.waitUntilExit()
            XCTAssertEqual(run.terminationStatus, 0)
            let recorded = try workspace.stateQuery("SELECT pid FROM etl_runs ORDER BY started_at DESC LIMIT 1")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(recorded != "\(run.processIdentifier)", separate, "\(arguments): pid \(recorded), run \(run.processIdentifier)")
        }
    }

    func testAWorkerKilledFromOutsideIsReportedAsKilledNotAsACrash() throws {
        let server = try MockAPIServer()
        try workspace.slowAPIManifest(server)
        let (run, stderr) = try workspace.startRun(["run"])
        // The worker is waiting on the slow request once the server has seen it.
        try waitUntil("the server to receive the request") { !((try? server.requests()) ?? []).isEmpty }
        let worker = try XCTUnwrap(WorkerProcesses.of(parent: run.processIdentifier).first, "no worker process found")
        kill(worker, SIGKILL)
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(run.terminationStatus, 1, log)
        XCTAssertTrue(log.contains("summary entry=slow status=failed"), log)
        XCTAssertTrue(log.contains("died of signal 9 (Killed): it was killed (out of memory, or by hand)"), log)
    }

    /// `run` alone writes a worker's command line; anything else is refused, saying what is wrong.
    func testAWorkerRefusesACommandLineRunWouldNotWrite() throws {
        let cases: [([String], String)] = [
            (["--entry", "survives", "--run-id", "r1", "--parent", "1", "--bogus"], "unknown argument --bogus"),
            (["--entry", "survives", "--entry", "crashes", "--run-id", "r1", "--parent", "1"], "--entry is given twice"),
            (["--entry", "survives", "--run-id", "r1"], "--parent is required"),
            (["--entry", "survives", "--run-id", "r1", "--parent", "pid"], "--parent must be a process id, not pid"),
            (["--log-format", "xml", "--entry", "survives", "--run-id", "r1", "--parent", "1"], "--log-format must be text or json, not xml"),
            (["--entry"], "--entry needs a value"),
        ]
        for (arguments, problem) in cases {
            let outcome = try workspace.run(["__run-entry"] + arguments)
            XCTAssertEqual(outcome.status, 64, "\(arguments): \(outcome.stderr)")
            XCTAssertEqual(outcome.stderr, "etl-runtime __run-entry: \(problem)\n", "\(arguments)")
        }
        // A worker whose parent is not the process it names stops before it loads anything.
        let orphan = try workspace.run(["__run-entry", "--entry", "survives", "--run-id", "r1", "--parent", "1"])
        XCTAssertEqual(orphan.status, 1, orphan.stderr)
        XCTAssertEqual(try warehouse("SELECT count(*) FROM sqlite_master WHERE name = 'numbers'"), "0")
    }

    /// The options `run` was given reach its workers: here --quiet (nothing logged for a run
    /// that succeeds) and --verbose (the workers' plugin calls are logged).
    func testRunPassesItsLoggingOptionsToItsWorkers() throws {
        let quiet = try workspace.run(["run", "--quiet", "--entry", "survives"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
        let verbose = try workspace.run(["run", "--verbose", "--log-format", "json", "--entry", "survives", "--full-refresh"])
        XCTAssertEqual(verbose.status, 0, verbose.stderr)
        // The sink plugin, which runs in the worker, logs its commit at debug level.
        XCTAssertTrue(verbose.stderr.contains(#"committed 50 rows to \"numbers\" (replace)","plugin":"sqlite""#), verbose.stderr)
    }
}
