import Foundation
import TestSupport
import XCTest

/// The README's second example, examples/tasks-and-deals.json, against the mock API playing a
/// task tracker (bearer token) and a CRM (OAuth 2.0 client credentials, a HubSpot-like POST
/// search): tasks and deals load incrementally into stage tables, finished tasks are written
/// back, and the next run asks both APIs only for what changed and writes nothing twice.
final class TasksAndDealsExampleTests: XCTestCase {
    private let token = "tasks-and-deals-secret-42"

    private func environment(_ server: MockAPIServer) -> [String: String] {
        ["TRACKER_URL": server.baseURL, "TRACKER_TOKEN": token, "CRM_URL": server.baseURL,
         "CRM_CLIENT_ID": "etl-client", "CRM_CLIENT_SECRET": token]
    }

    private func query(_ workspace: RunWorkspace, _ sql: String) throws -> [String] {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("tasks-and-deals.db"), sql])
            .stdout.split(separator: "\n").map(String.init)
    }

    private func example() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try FileManager.default.copyItem(
            atPath: TestPaths.source("examples/tasks-and-deals.json"), toPath: workspace.folder.file("plugins.json"))
        return workspace
    }

    func testBothAPIsLoadIncrementallyAndFinishedTasksAreWrittenBackOnce() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try example()
        let env = environment(server)

        XCTAssertEqual(try workspace.run(["validate"], environment: env).status, 0)
        let first = try workspace.run(["run"], environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try query(workspace, "SELECT count(*), count(DISTINCT id) FROM stage_tasks"), ["250|250"])
        XCTAssertEqual(try query(workspace, "SELECT assignees FROM stage_tasks WHERE id = 1"), [#"["bob","erin"]"#])
        // Deal n was modified at 2024-01-01 + 10·n minutes (epoch milliseconds in the API, a timestamp here).
        XCTAssertEqual(try query(workspace, "SELECT count(*), min(modified_at), max(modified_at) FROM stage_deals"),
                       ["30|2024-01-01 00:10:00.000000|2024-01-01 05:00:00.000000"])
        let done = try query(workspace, "SELECT count(*) FROM stage_tasks WHERE status = 'done'")
        let written = try server.writes()
        XCTAssertEqual(["\(written.count)"], done)
        XCTAssertEqual(Set(written.compactMap { $0["path"] as? String }), ["/list/archive/task"])

        // The next tick: the API changed one task; nothing else is new.
        try server.upsertTasks(#"[{"id": 7, "status": "done", "updated_at": "2024-01-02T00:00:00Z"}]"#)
        let before = try server.requests().count
        let second = try workspace.run(["run"], environment: env)
        XCTAssertEqual(second.status, 0, second.stderr)
        let requests = try server.requests().dropFirst(before)
        // Tasks: asked from the watermark minus the 10-minute lookback.
        let since = requests.compactMap { ($0["query"] as? [String: Any])?["updated_since"] as? String }
        XCTAssertEqual(Set(since), ["2024-01-01T01:13:00Z"])
        // Deals: the watermark went into the search body's filter value, the last deal's time.
        let filterValues = requests.compactMap { request -> String? in
            guard (request["path"] as? String)?.hasSuffix("/deals/search") == true,
                  let body = request["body"] as? [String: Any],
                  let groups = body["filterGroups"] as? [[String: Any]],
                  let filters = groups.first?["filters"] as? [[String: Any]] else { return nil }
            return filters.first?["value"] as? String
        }
        XCTAssertEqual(filterValues, ["1704085200000"])
        XCTAssertEqual(try query(workspace, "SELECT count(*) FROM stage_deals"), ["30"])
        // Only the newly finished task went back to the tracker.
        let rewritten = try server.writes().dropFirst(written.count)
        XCTAssertEqual(rewritten.count, 1)
        XCTAssertEqual((rewritten.first?["body"] as? [String: Any])?["source_task"] as? Int, 7)

        for outcome in [first, second] {
            XCTAssertFalse(outcome.stderr.contains(token), outcome.stderr)
            XCTAssertFalse(outcome.stdout.contains(token), outcome.stdout)
        }
    }

    func testTheExampleScriptRunsAsTheReadmeShows() throws {
        let folder = TemporaryDirectory("tasks-and-deals")
        let outcome = try ProcessRunner.run(
            "/bin/bash", [TestPaths.source("examples/run-tasks-and-deals.sh"), folder.path],
            environment: ProcessInfo.processInfo.environment.merging(["ETL_RUNTIME": TestPaths.runtimeExecutable]) { _, new in new })
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=deals_stage status=ok read=30 written=30"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=finished_to_archive status=ok read=0 written=0"), outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("deals_stage"), outcome.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("tasks-and-deals.db")))
    }
}
