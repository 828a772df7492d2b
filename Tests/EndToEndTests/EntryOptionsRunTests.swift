import Foundation
import TestSupport
import XCTest

/// An entry's `options` fill the `{name}` placeholders of an http stream, and what a read would
/// refuse from its request alone (a placeholder without an option, an option for no placeholder,
/// an incremental entry on a stream without `incremental`) is refused by `validate` and
/// `run --dry-run` (the source's check_read) before any run; `run` refuses it too, with exit 78:
/// these are configuration mistakes, as are credentials the API refuses (HTTP 401).
final class EntryOptionsRunTests: XCTestCase {
    private let token = "options-secret-token-4711"

    /// One http source "api" whose stream "tasks" lives at `path`, one sqlite sink, one entry.
    private func pipeline(
        _ server: MockAPIServer, path: String, entry: String, incremental: Bool = false, auth: String? = nil
    ) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        let incrementalObject = incremental
            ? #", "incremental": {"param": "updated_since", "in": "query", "format": "iso8601", "cursor_path": "$.updated_at"}"#
            : ""
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)"\(auth.map { #", "auth": \#($0)"# } ?? ""),
                  "streams": {"tasks": {"path": "\(path)", "records_path": "$.tasks",
                    "pagination": {"type": "page_number", "page_param": "page", "size_param": "per_page", "page_size": 100, "total_path": "$.total"},
                    "columns": [{"name": "id", "path": "$.id", "type": "int64"}, {"name": "updated_at", "path": "$.updated_at", "type": "text"}]\(incrementalObject)}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "#
                + entry + "}]")
        return workspace
    }

    private func rows(_ workspace: RunWorkspace) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM tasks"]).stdout
    }

    func testOptionsFillThePathPlaceholdersOfTheStream() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(server, path: "/{kind}/tasks", entry: #""mode": "full", "options": {"kind": "page"}"#)
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try rows(workspace), "250\n")
        let paths = Set(try server.requests().compactMap { $0["path"] as? String })
        XCTAssertEqual(paths, ["/page/tasks"])
    }

    func testAPlaceholderWithoutItsOptionIsRefusedByValidateAndDryRunAndExits78FromRun() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(server, path: "/{kind}/tasks", entry: #""mode": "full""#)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(
                #"plugins.json:5: $.control_table[0]: source "api" (plugin "http") refuses this entry: stream "tasks" uses {kind} but the entry's options have no "kind"; add it to the entry's "options", e.g. "options": {"kind": "..."}"#),
                "\(command): \(outcome.stderr)")
        }
        XCTAssertTrue(try server.requests().isEmpty, "validate and the dry run send no request")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains(#"uses {kind} but the entry's options have no "kind""#), run.stderr)
    }

    func testAnOptionForNoPlaceholderIsRefused() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(server, path: "/{kind}/tasks", entry: #""mode": "full", "options": {"kind": "page", "knid": "page"}"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(
            #"refuses this entry: options.knid fills no placeholder of stream "tasks" (its path, query and headers use {kind}); remove it or correct its name"#),
            outcome.stderr)
    }

    func testAnOptionOfAKindNoPlaceholderTakesIsRefusedWithItsPath() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(server, path: "/{kind}/tasks", entry: #""mode": "full", "options": {"kind": ["page"]}"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(
            #"$.control_table[0].options.kind: expected a string, a number or a boolean, got an array (entry options of source "api" (plugin "http"))"#),
            outcome.stderr)
    }

    func testAnIncrementalEntryOnAStreamWithoutIncrementalIsRefusedBeforeItRuns() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(server, path: "/page/tasks", entry: #""mode": "incremental", "write": "append", "cursor_field": "updated_at""#)
        for command in [["validate"], ["run", "--dry-run"], ["run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(
                #"the entry reads stream "tasks" incrementally (cursor_field updated_at) but config.streams.tasks has no "incremental" object"#),
                "\(command): \(outcome.stderr)")
        }
        XCTAssertTrue(try server.requests().isEmpty, "nothing was sent")
        // With the stream's incremental settings the same entry validates and runs.
        let fixed = try pipeline(server, path: "/page/tasks", entry: #""mode": "incremental", "write": "append", "cursor_field": "updated_at""#, incremental: true)
        XCTAssertEqual(try fixed.run(["validate"]).status, 0)
        XCTAssertEqual(try fixed.run(["run"]).status, 0)
        XCTAssertEqual(try rows(fixed), "250\n")
    }

    func testCredentialsTheAPIRefusesExit78() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(
            server, path: "/secure/tasks", entry: #""mode": "full""#, auth: #"{"type": "bearer", "token_env": "API_TOKEN"}"#)
        let wrong = "not-the-right-token-0815"
        // validate cannot know the token is wrong without asking the API: it accepts the manifest.
        XCTAssertEqual(try workspace.run(["validate"], environment: ["API_TOKEN": wrong]).status, 0)
        let run = try workspace.run(["run"], environment: ["API_TOKEN": wrong])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("HTTP 401 Unauthorized"), run.stderr)
        XCTAssertFalse(run.stderr.contains(wrong), run.stderr)
        XCTAssertEqual(try workspace.run(["run"], environment: ["API_TOKEN": token]).status, 0)
    }

    /// A first run stopped before its unsorted read completed leaves the JSON null state: the
    /// next validate and dry run accept it (and the run starts from initial_value again).
    func testTheNullStateOfAnUnfinishedFirstRunPassesValidateAndDryRun() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(
            server, path: "/page/tasks",
            entry: #""mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at", "initial_value": "2024-01-01T00:00:00Z""#,
            incremental: true)
        XCTAssertEqual(try workspace.run(["state", "set", "tasks", "null"]).status, 0)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
        }
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try rows(workspace), "250\n")
    }

    /// An unsorted stream's watermark moves only when a read completes, so a per-run record limit
    /// would keep it still forever: validate refuses it before any run.
    func testARunLimitOnAnUnsortedStreamIsRefusedByValidate() throws {
        let server = try MockAPIServer(token: token)
        let workspace = try pipeline(
            server, path: "/page/tasks",
            entry: #""mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at", "max_records_per_run": 100"#,
            incremental: true)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("does not set sorted_by_cursor"), outcome.stderr)
        XCTAssertTrue(try server.requests().isEmpty)
    }
}
