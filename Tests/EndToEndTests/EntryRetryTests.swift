import Foundation
import TestSupport
import XCTest

/// An entry's `retry` tries it again within one run after a failure that may pass by itself
/// (HTTP 5xx here: `/flaky/tasks` answers 500 twice per URL, then the page), logs each attempt
/// with its number, records each in `etl_runs`, and never retries a configuration or data error.
final class EntryRetryTests: XCTestCase {
    /// One http entry reading `path` with the plugin's own retries off, so each 500 reaches the runtime.
    private func workspace(_ server: MockAPIServer, path: String, mode: String = "full", retry: String, pageSize: Int = 100) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        let incremental = mode == "incremental" ? #", "cursor_field": "updated_at", "write": "append""# : ""
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "retries": 0, "timeout_seconds": 5,
                  "streams": {"tasks": {"path": "\(path)", "records_path": "$.tasks",
                    "incremental": {"param": "updated_since", "cursor_path": "$.updated_at"},
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": \(pageSize)},
                    "columns": [{"name": "id", "type": "int64"}, {"name": "updated_at", "type": "text"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "\(mode)"\(incremental),
                  "retry": \(retry)}]
                """)
        return workspace
    }

    private func runs(_ workspace: RunWorkspace) throws -> [String] {
        try workspace.stateQuery("SELECT run_id || '|' || status || '|' || coalesce(error, '') FROM etl_runs ORDER BY started_at, run_id")
            .split(separator: "\n").map(String.init)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testServerErrorIsRetriedUntilItSucceedsAndEachAttemptIsInTheHistory() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = try workspace(server, path: "/flaky/tasks", retry: #"{"attempts": 3, "backoff": "PT1S"}"#)
        let started = Date()
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        // Exponential: 1 s before attempt 2, 2 s before attempt 3.
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 3, "the backoff was waited")
        XCTAssertTrue(outcome.stderr.contains("entry tasks: attempt 1 of 3 failed with an error that may pass (plugin http: read failed (I/O error)"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("attempt 2 in 1s"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry tasks: attempt 2 of 3 failed"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("attempt 3 in 2s"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry tasks: attempt 3 of 3 (run "), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=tasks status=ok read=10 written=10"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("attempt=3"), outcome.stderr)

        let history = try runs(workspace)
        guard history.count == 3 else { return XCTFail("three attempts recorded: \(history.joined(separator: "\n"))") }
        XCTAssertTrue(history[0].contains("|failed|attempt 1 of 3, retried after 1s: plugin http: read failed (I/O error)"), history[0])
        XCTAssertTrue(history[0].contains("HTTP 500"), history[0])
        let runID = String(history[0].prefix { $0 != "|" })
        XCTAssertTrue(history[1].hasPrefix("\(runID)-attempt2|failed|attempt 2 of 3, retried after 2s: "), history[1])
        XCTAssertEqual(history[2], "\(runID)-attempt3|ok|")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id) FROM tasks"), "10|10")

        let shown = try workspace.run(["history"])
        XCTAssertTrue(shown.stdout.contains("\(runID)-attempt3"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("attempt 1 of 3, retried after 1s"), shown.stdout)
    }

    func testInProcessRunsRetryTheSameWay() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = try workspace(server, path: "/flaky/tasks", retry: #"{"attempts": 3, "backoff": "PT0S"}"#)
        let outcome = try workspace.run(["run", "--in-process"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry tasks: attempt 2 of 3 failed with an error that may pass"), outcome.stderr)
        XCTAssertEqual(try runs(workspace).map { $0.split(separator: "|")[1] }, ["failed", "failed", "ok"])
    }

    func testRetriedIncrementalAttemptsResumeFromTheCommittedStateWithoutDuplicates() throws {
        // Every page URL fails twice: attempts commit pages one after another, and each resumes
        // after the last page an earlier one committed.
        let server = try MockAPIServer(tasks: 12)
        let workspace = try workspace(
            server, path: "/flaky/tasks", mode: "incremental", retry: #"{"attempts": 20, "backoff": "PT0S"}"#, pageSize: 4)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let history = try runs(workspace)
        XCTAssertGreaterThan(history.count, 3, history.joined(separator: "\n"))
        XCTAssertEqual(try warehouse(workspace, "SELECT count(DISTINCT id), min(id), max(id) FROM tasks"), "12|1|12")
        let written = try workspace.stateQuery("SELECT sum(rows_written) FROM etl_runs").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM tasks"), written, "each committed row is in the target once")
    }

    func testAConfigurationErrorIsNotRetried() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = try workspace(server, path: "/notfound", retry: #"{"attempts": 3, "backoff": "PT1S"}"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("attempt"), outcome.stderr)
        XCTAssertEqual(try runs(workspace).count, 1)
    }

    func testBadDataIsNotRetried() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = try workspace(server, path: "/malformed/tasks", retry: #"{"attempts": 3, "backoff": "PT1S"}"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("(bad data)"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("attempt 2"), outcome.stderr)
        XCTAssertEqual(try runs(workspace).count, 1)
    }

    func testAttemptsSpentLeaveTheEntryFailed() throws {
        let server = try MockAPIServer(tasks: 10)
        // Two attempts against two failures per URL: both fail.
        let workspace = try workspace(server, path: "/flaky/tasks", retry: #"{"attempts": 2, "backoff": "PT0S"}"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry tasks: attempt 2 of 2 failed too; no attempt left in this run"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=tasks status=failed"), outcome.stderr)
        XCTAssertEqual(try runs(workspace).count, 2)
        XCTAssertEqual(try workspace.stateQuery("SELECT last_status FROM etl_control WHERE id = 'tasks'"), "failed\n")
    }

    func testSIGTERMEndsTheWaitBeforeTheNextAttempt() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = try workspace(server, path: "/flaky/tasks", retry: #"{"attempts": 3, "backoff": "PT1H"}"#)
        let (process, stderr) = try workspace.startRun(["run"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? runs(workspace).first?.contains("retried after 3600s")) != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let signalled = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertLessThan(Date().timeIntervalSince(signalled), 5, "the wait ends at once: \(text)")
        XCTAssertEqual(process.terminationStatus, 143, text)
        XCTAssertTrue(text.contains("stopped by a signal while waiting to retry; attempt 2 was not started"), text)
        XCTAssertEqual(try runs(workspace).count, 1)
    }
}
