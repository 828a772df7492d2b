import Foundation
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An API → SQLite incremental merge over three runs while the API's data changes:
/// the warehouse ends equal to the API, with no duplicates. Uses examples/task-tracker.json
/// against the mock task tracker.
final class TaskTrackerPipelineTests: XCTestCase {
    private let token = "tracker-secret-token-123"

    private func serverTasks(_ server: MockAPIServer) throws -> [String] {
        try server.tasks().map { "\($0["id"] as? Int ?? -1)|\($0["name"] as? String ?? "")|\($0["status"] as? String ?? "")" }.sorted()
    }

    private func warehouseTasks(_ workspace: RunWorkspace) throws -> [String] {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("task-tracker.db"), "SELECT id, name, status FROM stage_tasks"])
            .stdout.split(separator: "\n").map(String.init).sorted()
    }

    func testThreeIncrementalMergeRunsEndEqualToTheAPIWithNoDuplicates() throws {
        let server = try MockAPIServer(token: token)
        let workspace = RunWorkspace()
        try FileManager.default.copyItem(
            atPath: TestPaths.source("examples/task-tracker.json"), toPath: workspace.folder.file("plugins.json"))
        let environment = ["TRACKER_URL": server.baseURL, "TRACKER_TOKEN": token]

        let first = try workspace.run(["run", "--entry", "tasks_stage"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try warehouseTasks(workspace), try serverTasks(server))

        try server.upsertTasks(
            #"[{"id": 3, "name": "renamed three", "status": "done", "updated_at": "2024-01-02T00:00:00Z"},"#
                + #" {"id": 900, "name": "new task", "status": "open", "updated_at": "2024-01-02T00:00:00Z"}]"#)
        let second = try workspace.run(["run", "--entry", "tasks_stage"], environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try warehouseTasks(workspace), try serverTasks(server))

        try server.upsertTasks(#"[{"id": 900, "name": "new task, finished", "status": "done", "updated_at": "2024-01-03T00:00:00Z"}]"#)
        let third = try workspace.run(["run", "--entry", "tasks_stage"], environment: environment)
        XCTAssertEqual(third.status, 0, third.stderr)
        let warehouse = try warehouseTasks(workspace)
        XCTAssertEqual(warehouse, try serverTasks(server))
        XCTAssertEqual(warehouse.count, 251)
        XCTAssertTrue(warehouse.contains("900|new task, finished|done"))

        // Later runs asked only for what changed since the watermark (minus the lookback).
        let since = try server.requests().compactMap { ($0["query"] as? [String: Any])?["updated_since"] as? String }
        XCTAssertTrue(since.contains("2024-01-01T23:50:00Z"), "\(since)")
        for outcome in [first, second, third] {
            XCTAssertFalse(outcome.stderr.contains(token), outcome.stderr)
        }
    }
}
