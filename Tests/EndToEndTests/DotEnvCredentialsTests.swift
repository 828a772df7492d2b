import Foundation
import TestSupport
import XCTest

/// The `.env` beside the manifest serves the variables plugins read themselves (`token_env`,
/// `key_env`, `password_env`), as it serves `${VAR}`: a cron job without the shell's exports
/// authenticates all the same, and the credential is never printed.
final class DotEnvCredentialsTests: XCTestCase {
    private let token = "dotenv-only-token-" + UUID().uuidString

    private func apiPipeline(_ workspace: RunWorkspace, server: MockAPIServer, auth: String, path: String) throws {
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "auth": \(auth), "retries": 0,
                  "streams": {"tasks": {"path": "\(path)", "records_path": "$.tasks",
                    "pagination": {"type": "page_number", "page_param": "page", "size_param": "per_page",
                                   "page_size": 100, "total_path": "$.total"},
                    "columns": [{"name": "id", "path": "$.id", "type": "int64"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full"}]"#)
    }

    func testABearerTokenOnlyInDotEnvAuthenticatesAndIsNeverPrinted() throws {
        let server = try MockAPIServer(token: token)
        let workspace = RunWorkspace()
        try apiPipeline(workspace, server: server, auth: #"{"type": "bearer", "token_env": "API_TOKEN"}"#, path: "/secure/tasks")
        try workspace.folder.write(".env", "API_TOKEN=\(token)\n")
        for command in [["validate"], ["run", "--dry-run"], ["run"], ["run", "--in-process"], ["check"], ["preview", "tasks"], ["discover", "api"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertFalse(outcome.stdout.contains(token), "\(command): \(outcome.stdout)")
            XCTAssertFalse(outcome.stderr.contains(token), "\(command): \(outcome.stderr)")
        }
        XCTAssertTrue(try workspace.run(["run"]).stderr.contains("summary entry=tasks status=ok read=250 written=250"))
    }
}
