import Foundation
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An incremental merge from an API that returns records out of cursor order, stopped after
/// its first committed batch (the worker SIGKILLed, or the server gone mid-read), then run
/// again to the end: the warehouse holds every record exactly once. A watermark that moved to
/// the highest cursor of the first batch would have made the second run skip older records.
final class UnsortedCursorRecoveryTests: XCTestCase {
    private let taskCount = 3_000

    private func pipeline(_ workspace: RunWorkspace, _ server: MockAPIServer, query: String) throws {
        try workspace.manifest(
            sources: """
                {"tracker": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "retries": 1, "retry_base_seconds": 0.05,
                  "streams": {"tasks": {"path": "/unsorted/tasks", "records_path": "$.tasks", "query": {\(query)},
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 100, "total_path": "$.total"},
                    "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}, {"name": "updated_at", "type": "text"}],
                    "incremental": {"param": "updated_since", "cursor_path": "$.updated_at"}}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "tasks_stage", "source": "tracker", "stream": "tasks", "sink": "warehouse", "target": "tasks",
                  "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at",
                  "initial_value": "2000-01-01T00:00:00Z", "batch_size": 100}]
                """)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func loadedRows(_ workspace: RunWorkspace) -> Int {
        Int((try? warehouse(workspace, "SELECT count(*) FROM tasks")) ?? "") ?? 0
    }

    /// id|name|updated_at of every task the API holds, sorted.
    private func serverTasks(_ server: MockAPIServer) throws -> [String] {
        try server.tasks().map { "\($0["id"] as? Int ?? -1)|\($0["name"] as? String ?? "")|\($0["updated_at"] as? String ?? "")" }.sorted()
    }

    /// The second run reads to the end; then every record is in the warehouse exactly once,
    /// equal to the API's, and the watermark is the newest cursor.
    private func assertRecoveredEveryRecordExactlyOnce(_ workspace: RunWorkspace, _ server: MockAPIServer) throws {
        try pipeline(workspace, server, query: "")
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id) FROM tasks"), "\(taskCount)|\(taskCount)")
        let rows = try warehouse(workspace, "SELECT id, name, updated_at FROM tasks").split(separator: "\n").map(String.init).sorted()
        XCTAssertEqual(rows, try serverTasks(server))
        let newest = try XCTUnwrap(rows.map { $0.split(separator: "|").last.map(String.init) ?? "" }.max())
        XCTAssertEqual(try workspace.run(["state", "show", "tasks_stage"]).stdout, "{\"cursor\":\"\(newest)\"}\n")
    }

    func testAWorkerKilledAfterItsFirstCommittedBatchLosesNoRecord() throws {
        let server = try MockAPIServer(tasks: taskCount)
        let workspace = RunWorkspace()
        // Pages after the first take a while, so the kill lands after the first batch.
        try pipeline(workspace, server, query: #""delay_ms": 150"#)
        let (run, _) = try workspace.startRun(["run"])
        var worker: pid_t?
        try waitUntil("a worker of the run", interval: 0.0005) {
            worker = WorkerProcesses.of(parent: run.processIdentifier).first
            return worker != nil || !run.isRunning
        }
        try waitUntil("the first committed batch", interval: 0.005) { !run.isRunning || loadedRows(workspace) >= 100 }
        kill(try XCTUnwrap(worker), SIGKILL)
        run.waitUntilExit()
        let committed = loadedRows(workspace)
        XCTAssertTrue((100..<taskCount).contains(committed), "the kill did not land mid-read (\(committed) rows)")
        try assertRecoveredEveryRecordExactlyOnce(workspace, server)
    }

    func testARunWhoseServerGoesAwayMidReadLosesNoRecord() throws {
        let server = try MockAPIServer(tasks: taskCount)
        let workspace = RunWorkspace()
        try pipeline(workspace, server, query: #""fail_from_page": 6"#)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 1, first.stderr)
        XCTAssertEqual(loadedRows(workspace), 500, "five pages were committed before the server went away")
        try assertRecoveredEveryRecordExactlyOnce(workspace, server)
    }
}
