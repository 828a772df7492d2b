import Foundation
import TestSupport
import XCTest

/// What `run` could only find out late is found by `validate` and `run --dry-run` first, and
/// refused the same way (exit 78): an entry whose settings changed since it loaded data, and a
/// config its plugin refuses when created.
final class RunTimeConfigurationTests: XCTestCase {
    private func pipeline(mode: String, extra: String = "") throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.peopleFile(1...50)
        try write(workspace, mode: mode, extra: extra)
        return workspace
    }

    private func write(_ workspace: RunWorkspace, mode: String, extra: String = "") throws {
        try workspace.peopleManifest(mode: mode, settings: extra)
    }

    private func count(_ workspace: RunWorkspace) throws -> String {
        try workspace.warehouseQuery("SELECT count(*) FROM people")
    }

    private let incremental = #", "write": "append", "cursor_field": "$offset""#

    func testSwitchingAFullEntryToIncrementalAppendOnALoadedTargetIsRefusedByValidateRunAndDryRun() throws {
        let workspace = try pipeline(mode: "full")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try write(workspace, mode: "incremental", extra: incremental)
        for command in [["validate"], ["run"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"plugins.json:3: $.control_table[0]: entry "people" changed mode "full" → "incremental", write "replace" → "append", cursor_field none → "$offset" since it loaded 50 rows into warehouse.people"#), "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("etl-runtime run --entry people --full-refresh"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("etl-runtime state set people"), outcome.stderr)
        }
        XCTAssertEqual(try count(workspace), "50\n", "nothing may be appended again")
        // The refusal lasts: the control table still records the settings the data was loaded with.
        XCTAssertEqual(try workspace.run(["status"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 78)
    }

    func testFullRefreshAcceptsTheNewSettingsByReloadingTheTarget() throws {
        let workspace = try pipeline(mode: "full")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try write(workspace, mode: "incremental", extra: incremental)
        let refresh = try workspace.run(["run", "--full-refresh"])
        XCTAssertEqual(refresh.status, 0, refresh.stderr)
        XCTAssertEqual(try count(workspace), "50\n")
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try count(workspace), "50\n")
    }

    func testStateSetAdoptsTheCurrentDataAndTheNewSettings() throws {
        let workspace = try pipeline(mode: "incremental", extra: incremental)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try write(workspace, mode: "incremental", extra: #", "write": "merge", "primary_key": ["id"], "cursor_field": "$offset""#)
        let refused = try workspace.run(["validate"])
        XCTAssertEqual(refused.status, 78)
        XCTAssertTrue(refused.stderr.contains(#"write "append" → "merge", primary_key "[]" → "["id"]""#), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(#"`etl-runtime state set people "$(etl-runtime state show people)"`"#), refused.stderr)
        let reached = try workspace.run(["state", "show", "people"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try workspace.run(["state", "set", "people", reached]).status, 0)
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        try workspace.peopleFile(1...60)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try count(workspace), "60\n", "only the ten new rows are loaded")
    }

    func testChangingTheTargetOfAnIncrementalEntryIsRefusedButAReplacingFullEntryMayChangeFreely() throws {
        let workspace = try pipeline(mode: "incremental", extra: incremental)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "people", "source": "file", "stream": "in", "sink": "warehouse", "target": "people_v2",
                  "mode": "incremental"\(incremental)}]
                """)
        let changed = try workspace.run(["validate"])
        XCTAssertEqual(changed.status, 78)
        XCTAssertTrue(changed.stderr.contains(#"target "people" → "people_v2""#), changed.stderr)
        try write(workspace, mode: "full")
        XCTAssertEqual(try workspace.run(["validate"]).status, 0, "a full replace reloads everything: nothing to refuse")
    }

    func testAConfigThePluginRefusesWhenCreatedIsFoundByValidateAndDryRunAndExits78FromRun() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "http://127.0.0.1:9", "auth": {"type": "bearer", "token_env": "ETL_TEST_TOKEN_NEVER_SET"},
                  "streams": {"tasks": {"path": "/tasks", "records_path": "$.tasks", "pagination": {"type": "none"}}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full"}]"#)
        for command in [["validate"], ["run", "--dry-run"], ["run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("ETL_TEST_TOKEN_NEVER_SET"), "\(command): \(outcome.stderr)")
        }
        let validate = try workspace.run(["validate"])
        XCTAssertTrue(validate.stderr.contains(#"plugins.json:2: $.sources.api.config: plugin "http" refuses this config"#), validate.stderr)
    }
}
