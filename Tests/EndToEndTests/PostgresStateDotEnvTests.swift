import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// The commands that only read the state (`status`, `history`, `state show`, `report`) find a
/// PostgreSQL state's password where `run` does: in the `.env` beside the manifest, through
/// `state.password_env`, with nothing exported in the shell (as under cron).
final class PostgresStateDotEnvTests: XCTestCase {
    func testStateReadingCommandsTakeTheStatePasswordFromTheDotEnvFile() throws {
        let database = try PostgresTestDatabase(owner: try PostgresTestServer.require().passwordUser)
        let secret = database.server.password
        let workspace = RunWorkspace()
        try workspace.peopleFile(1...20)
        try workspace.folder.write(".env", "ETL_TEST_STATE_PASSWORD=\(secret)\n")
        try workspace.folder.write("plugins.json", """
            {"manifest_version": 1,
             "state": {"url": "\(database.url(user: database.server.passwordUser))", "schema": "ops", "password_env": "ETL_TEST_STATE_PASSWORD"},
             "sources": {"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true,
                           "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}},
             "sinks": {"local": {"plugin": "sqlite", "config": {"path": "local.db"}}},
             "control_table": [{"id": "people", "source": "file", "stream": "in", "sink": "local", "target": "people",
                                "mode": "incremental", "cursor_field": "$offset"}]}
            """)
        XCTAssertNil(ProcessInfo.processInfo.environment["ETL_TEST_STATE_PASSWORD"])
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)

        for command in [["status"], ["history"], ["state", "show", "people"], ["report", "--output", "report.html"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertFalse((outcome.stdout + outcome.stderr).contains(secret), "\(command) printed the password")
        }
        XCTAssertTrue(try workspace.run(["status"]).stdout.contains("people"))
        XCTAssertTrue(try workspace.run(["history"]).stdout.contains("ok"))
    }
}
