import Foundation
import TestSupport
import XCTest

/// A secret planted in every config field that takes `${...}` never leaves: not in any command's
/// output or log, not in the state database, not in the warehouse (nor their -wal files).
final class SecretLeakTests: XCTestCase {
    private let secret = "S3cr3t-" + UUID().uuidString

    /// csv path, http base_url/query/headers/token, sqlite sink path and source query, all holding
    /// the secret; one entry per source, one of them failing (its query names a missing table),
    /// and a csv row the source rejects (its position is the file's path).
    private func pipeline(_ workspace: RunWorkspace, apiPort: String) throws {
        let folder = workspace.folder.file("data/\(secret)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "id,name\n1,ada\nnot-a-number,bad row\n2,grace\n".write(
            toFile: folder + "/people.csv", atomically: false, encoding: .utf8)
        try workspace.manifest(
            sources: """
                {"people": {"plugin": "csv", "config": {"path": "data/${SECRET}/people.csv",
                   "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}},
                 "api": {"plugin": "http", "config": {"base_url": "http://127.0.0.1:\(apiPort)/${SECRET}/..",
                   "auth": {"type": "bearer", "token_env": "API_TOKEN"},
                   "streams": {"tasks": {"path": "/secure/tasks", "records_path": "$.tasks",
                     "query": {"tenant": "${SECRET}"}, "headers": {"X-Tenant": "${SECRET}"},
                     "pagination": {"type": "page_number", "page_param": "page", "size_param": "per_page",
                                    "page_size": 100, "total_path": "$.total"},
                     "columns": [{"name": "id", "path": "$.id", "type": "int64"},
                                 {"name": "updated_at", "path": "$.updated_at", "type": "text"}],
                     "incremental": {"param": "updated_since", "in": "query", "format": "iso8601",
                                     "cursor_path": "$.updated_at"}}}}},
                 "mirror": {"plugin": "sqlite", "config": {"path": "warehouse-${SECRET}.db", "stream": "named",
                   "query": "SELECT id, name FROM people WHERE name <> '${SECRET}'"}},
                 "broken": {"plugin": "sqlite", "config": {"path": "warehouse-${SECRET}.db", "stream": "broken",
                   "query": "SELECT id FROM missing_table WHERE name = '${SECRET}'"}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse-${SECRET}.db"}}}"#,
            entries: """
                [{"id": "people_stage", "source": "people", "stream": "people", "sink": "warehouse", "target": "people",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "max_rejects": 5},
                 {"id": "tasks_stage", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks",
                  "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at",
                  "initial_value": "2024-01-01T00:00:00Z"},
                 {"id": "people_copy", "source": "mirror", "stream": "named", "sink": "warehouse",
                  "target": "people_copy", "mode": "full"},
                 {"id": "broken_copy", "source": "broken", "stream": "broken", "sink": "warehouse",
                  "target": "broken_copy", "mode": "full"}]
                """)
    }

    /// Every regular file under `folder` whose bytes hold `needle`.
    private func filesHolding(_ needle: String, under folder: String) -> [String] {
        let bytes = Data(needle.utf8)
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let path = folder + "/" + relative
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                let contents = FileManager.default.contents(atPath: path)
            else { continue }
            if contents.range(of: bytes) != nil { found.append(relative) }
        }
        return found
    }

    func testASecretInEveryConfigFieldAppearsInNoOutputNoLogAndNoStoredFile() throws {
        let server = try MockAPIServer(token: secret)
        let workspace = RunWorkspace()
        let port = String(server.baseURL.split(separator: ":").last ?? "")
        try pipeline(workspace, apiPort: port)
        let environment = ["SECRET": secret, "API_TOKEN": secret]

        let commands: [[String]] = [
            ["run"], ["run", "--verbose"], ["run", "--log-format", "json"], ["run", "--in-process", "--verbose"],
            ["run", "--dry-run"], ["run", "--dry-run", "--full-refresh"],
            ["status"], ["status", "--json"], ["history"], ["history", "--json"],
            ["state", "show", "people_stage"], ["state", "show", "tasks_stage"],
            ["discover", "people"], ["discover", "api"], ["discover", "mirror"], ["discover", "broken"],
            ["preview", "people_stage"], ["preview", "tasks_stage"], ["preview", "people_copy"], ["preview", "broken_copy"],
            ["check"], ["check", "--verbose"], ["validate"],
        ]
        var outcomes: [(command: [String], outcome: ProcessOutcome)] = []
        for command in commands {
            outcomes.append((command, try workspace.run(command, environment: environment)))
        }

        // The pipeline really ran: the secret went where it had to (files, URLs, queries, auth).
        let first = outcomes[0].outcome
        // broken_copy's query names a missing table: the sqlite source refuses its config at
        // read time (ETL_INVALID_CONFIG, "fix config.query"), a configuration mistake (78).
        XCTAssertEqual(first.status, 78, "broken_copy fails: \(first.stderr)")
        XCTAssertTrue(first.stderr.contains("summary entry=people_stage status=ok read=2 written=2 rejected=1"), first.stderr)
        XCTAssertTrue(first.stderr.contains("summary entry=tasks_stage status=ok read=250 written=250"), first.stderr)
        XCTAssertTrue(first.stderr.contains("summary entry=people_copy status=ok read=2 written=2"), first.stderr)
        XCTAssertTrue(first.stderr.contains("summary entry=broken_copy status=failed"), first.stderr)
        XCTAssertTrue(first.stderr.contains("<value of ${SECRET}>"), "errors name the variable: \(first.stderr)")
        let requests = try server.requests()
        XCTAssertTrue(
            requests.contains { ($0["query"] as? [String: Any])?["tenant"] as? String == secret && $0["status"] as? Int == 200 },
            "the API was called with the secret in the query and answered: \(requests.prefix(2))")
        for (command, outcome) in outcomes {
            XCTAssertFalse(outcome.stdout.contains(secret), "\(command) stdout: \(outcome.stdout)")
            XCTAssertFalse(outcome.stderr.contains(secret), "\(command) stderr: \(outcome.stderr)")
        }
        let discoverBroken = outcomes.first { $0.command == ["discover", "broken"] }!.outcome
        XCTAssertNotEqual(discoverBroken.status, 0, discoverBroken.stderr)
        XCTAssertTrue(discoverBroken.stderr.contains("missing_table"), "the error is still shown: \(discoverBroken.stderr)")

        // Stored resume states hold the variable's name, and a later run resumes from them.
        let watermark = try workspace.stateQuery("SELECT watermark FROM etl_control WHERE id = 'people_stage'")
        XCTAssertTrue(watermark.contains("/data/${SECRET}/people.csv"), watermark)
        XCTAssertEqual(
            try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse-\(secret).db"), "SELECT count(*) FROM people"])
                .stdout, "2\n", "four runs loaded the two good rows once: each resumed from the stored state")
        XCTAssertEqual(filesHolding(secret, under: workspace.path), [], "files holding the secret")
    }

    func testAStateSetWithTheSecretsValueIsStoredByNameAndResumedFrom() throws {
        let workspace = RunWorkspace()
        let folder = workspace.folder.file("data/\(secret)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try workspace.logFile("data/\(secret)/app.log", lines: 1...2)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "csv", "config": {"path": "data/${SECRET}/app.log", "header": false, "columns": [{"name": "text", "type": "text"}]}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "app_raw", "source": "app", "stream": "app", "sink": "warehouse", "target": "app_raw",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
        let environment = ["SECRET": secret]
        XCTAssertEqual(try workspace.run(["run"], environment: environment).status, 0)
        let shown = try workspace.run(["state", "show", "app_raw"], environment: environment).stdout.trimmingCharacters(in: .newlines)
        XCTAssertTrue(shown.contains("/data/${SECRET}/app.log"), shown)
        try workspace.logFile("data/\(secret)/app.log", lines: 3...3, append: true)

        // The state as the plugin sees it, typed back in with the secret's value.
        let set = try workspace.run(
            ["state", "set", "app_raw", shown.replacingOccurrences(of: "${SECRET}", with: secret)], environment: environment)
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT watermark FROM etl_control").trimmingCharacters(in: .newlines), shown)
        let run = try workspace.run(["run"], environment: environment)
        XCTAssertTrue(run.stderr.contains("summary entry=app_raw status=ok read=1 written=1"), run.stderr)
        XCTAssertEqual(
            try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT text FROM app_raw"]).stdout,
            "line 1\nline 2\nline 3\n")
    }
}
