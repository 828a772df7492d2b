import Foundation
import TestSupport
import XCTest

/// `etl-runtime run` and the commands around it, as cron and a data engineer use them.
final class RunCommandTests: XCTestCase {
    private func logPipeline(_ workspace: RunWorkspace, maxRecords: Int = 3, maxRejects: Int = 0) throws {
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "app_raw", "source": "app", "stream": "lines", "sink": "files", "target": "app_raw",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 2,
                  "max_records_per_run": \(maxRecords), "max_rejects": \(maxRejects)}]
                """)
    }

    func testIncrementalTicksLoadEachLineOnceThenNothing() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...7)
        try logPipeline(workspace)
        var loaded: [Int] = []
        for _ in 0..<4 {
            let outcome = try workspace.run(["run"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            loaded.append(try workspace.jsonl("app_raw").count)
        }
        XCTAssertEqual(loaded, [3, 6, 7, 7])
        XCTAssertEqual(try workspace.jsonl("app_raw").map { $0["text"] as? String }, (1...7).map { "line \($0)" })
        try workspace.logFile("app.log", lines: 8...9, append: true)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.jsonl("app_raw").compactMap { $0["line_number"] as? Int }, Array(1...9))
    }

    func testEveryUntilCaughtUpTicksUntilNothingIsLeft() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...7)
        try logPipeline(workspace)
        let outcome = try workspace.run(["run", "--every", "0.05s", "--until-caught-up"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try workspace.jsonl("app_raw").count, 7)
        let rounds = outcome.stderr.split(separator: "\n").filter { $0.contains(" summary entry=app_raw ") }
        XCTAssertEqual(rounds.map { $0.contains("read=0 ") }, [false, false, false, true])
    }

    func testEveryRunEndsWithASummaryLinePerEntry() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...2)
        try logPipeline(workspace)
        let text = try workspace.run(["run"])
        XCTAssertTrue(text.stderr.contains(" summary entry=app_raw status=ok read=2 written=2 rejected=0 "), text.stderr)
        try workspace.logFile("app.log", lines: 3...3, append: true)
        let json = try workspace.run(["run", "--log-format", "json"])
        let summary = try XCTUnwrap(
            json.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["event"] as? String == "summary" })
        XCTAssertEqual(summary["entry"] as? String, "app_raw")
        XCTAssertEqual(summary["status"] as? String, "ok")
        XCTAssertEqual(summary["rows_read"] as? Int, 1)
        XCTAssertEqual(summary["rows_written"] as? Int, 1)
        XCTAssertEqual(summary["rows_rejected"] as? Int, 0)
        XCTAssertNotNil(summary["duration_seconds"] as? Double)
        XCTAssertTrue((summary["watermark"] as? String)?.contains("\"line\": 3") == true, "\(summary)")
    }

    func testRejectedRowsAreRecordedWithTheirPositionAndAboveMaxRejectsTheEntryFails() throws {
        let workspace = RunWorkspace()
        var bytes = Array("good 1\n".utf8) + [0xFF, 0x0A] + Array("good 2\n".utf8) + [0xFE, 0x0A]
        XCTAssertTrue(FileManager.default.createFile(atPath: workspace.folder.file("app.log"), contents: Data(bytes)))
        try logPipeline(workspace, maxRecords: 100, maxRejects: 1)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("status=failed"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("2 rows rejected, more than max_rejects (1)"), outcome.stderr)
        // Both rejects are kept, the failing batch's too: they explain the failure.
        XCTAssertEqual(
            try workspace.stateQuery("SELECT position FROM etl_rejects ORDER BY id"),
            "\(workspace.path)/app.log:2\n\(workspace.path)/app.log:4\n")
        // The batch that crossed the limit was not committed; the one before it was.
        XCTAssertEqual(try workspace.jsonl("app_raw").map { $0["text"] as? String }, ["good 1"])
        bytes = []
        XCTAssertEqual(try workspace.stateQuery("SELECT status, rows_rejected FROM etl_runs"), "failed|2\n")
    }

    func testASecondRunOfARunningEntryExits75NamingTheHolder() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...3)
        try logPipeline(workspace)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        holder.arguments = ["run", "--every", "1s"]
        holder.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        let lockFile = workspace.folder.file("state/locks/app_raw.lock")
        try waitUntil("the holder to write its pid into the lock file") {
            (try? String(contentsOfFile: lockFile, encoding: .utf8))?.contains("pid \(holder.processIdentifier)") == true
        }
        // Its first round loads the log; the lock stays held between rounds.
        try waitUntil("the holder's first round to load the log") { try workspace.jsonl("app_raw").count == 3 }
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 75, second.stderr)
        XCTAssertTrue(second.stderr.contains("entry app_raw is already being run by pid \(holder.processIdentifier)"), second.stderr)
        holder.terminate()  // SIGTERM: stops at a batch boundary, cleanly, and says it was stopped.
        holder.waitUntilExit()
        XCTAssertEqual(holder.terminationStatus, 143)
        XCTAssertEqual(try workspace.jsonl("app_raw").count, 3)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
    }

    func testStateResetMakesTheNextRunStartFromTheBeginning() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...2)
        try logPipeline(workspace)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let shown = try workspace.run(["state", "show", "app_raw"])
        XCTAssertTrue(shown.stdout.contains("\"line\": 2"), shown.stdout)
        XCTAssertEqual(try workspace.run(["state", "reset", "app_raw"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.jsonl("app_raw").count, 4)
    }

    func testASecretInAPluginsErrorIsShownAsItsVariableNeverItsValue() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "/srv/${LOG_DIR}/app.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "app_raw", "source": "app", "stream": "lines", "sink": "files", "target": "app_raw",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
        let outcome = try workspace.run(["run"], environment: ["LOG_DIR": "tenant-7f3a9c-secret"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("tenant-7f3a9c-secret"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("<value of ${LOG_DIR}>"), outcome.stderr)
        let history = try workspace.run(["history", "--json"], environment: ["LOG_DIR": "tenant-7f3a9c-secret"])
        XCTAssertFalse(history.stdout.contains("tenant-7f3a9c-secret"), history.stdout)
    }

    func testStateSetRejectsTextThatIsNotJSON() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...2)
        try logPipeline(workspace)
        let outcome = try workspace.run(["state", "set", "app_raw", "{offset: 3"])
        XCTAssertEqual(outcome.status, 64)
        XCTAssertTrue(outcome.stderr.contains("the state must be JSON text"), outcome.stderr)
    }

    func testAnUnknownEntryIsAUsageErrorWithASuggestion() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...2)
        try logPipeline(workspace)
        let outcome = try workspace.run(["run", "--entry", "app_rwa"])
        XCTAssertEqual(outcome.status, 64)
        XCTAssertTrue(outcome.stderr.contains("no entry \"app_rwa\" in the control table; did you mean \"app_raw\"?"), outcome.stderr)
    }

    func testFullLoadTwiceGivesTheSameTarget() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": 1234, "seed": 9, "null_every": 4}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: #"[{"id": "gen_full", "source": "gen", "stream": "rows", "sink": "files", "target": "gen", "mode": "full", "batch_size": 100}]"#)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let first = try String(contentsOfFile: workspace.folder.file("out/gen.jsonl"), encoding: .utf8)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let second = try String(contentsOfFile: workspace.folder.file("out/gen.jsonl"), encoding: .utf8)
        XCTAssertEqual(first.split(separator: "\n").count, 1234)
        XCTAssertEqual(first, second)
    }

    func testStatusAndHistoryShowWhatRan() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...5)
        try logPipeline(workspace)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let status = try workspace.run(["status", "--json"])
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["id"] as? String, "app_raw")
        XCTAssertEqual(rows.first?["rows_loaded"] as? Int, 3)
        XCTAssertEqual(rows.first?["last_status"] as? String, "ok")
        let history = try workspace.run(["history", "--entry", "app_raw"])
        XCTAssertEqual(history.stdout.split(separator: "\n").count, 2, history.stdout)
        XCTAssertTrue(history.stdout.contains(" ok "), history.stdout)
    }

    func testPreviewShowsTheNextRowsAndWritesNothing() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...5)
        try logPipeline(workspace)
        let outcome = try workspace.run(["preview", "app_raw", "--limit", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(
            outcome.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") },
            ["line_number text byte_offset", "1 line 1 0", "2 line 2 7"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("out/app_raw.jsonl")))
    }

    func testDryRunShowsThePlanWithoutLoading() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...5)
        try logPipeline(workspace)
        let outcome = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "app_raw: incremental app.lines → files.app_raw (append) from watermark none (first run)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("out/app_raw.jsonl")))
    }
}
