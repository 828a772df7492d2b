import Foundation
import TestSupport
import XCTest

/// `etl-runtime run` against an API behind OAuth 2.0 client credentials, the secret in the
/// `.env` beside the manifest: tokens renewed as the API revokes them, a wrong secret a
/// configuration error (exit 78) quoting the token endpoint, and no secret or token anywhere
/// in the output or the state database.
final class HTTPTokenAuthRunTests: XCTestCase {
    private let secret = "e2e-CLIENT-secret-4711"

    private func workspace(_ server: MockAPIServer, secretVariable: String = "TASKS_CLIENT_SECRET", dotEnv: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write(".env", dotEnv)
        try workspace.manifest(
            sources: """
                {"tasks_api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "retry_base_seconds": 0.01,
                  "auth": {"type": "oauth2_client_credentials", "token_url": "\(server.baseURL)/oauth/token",
                           "client_id_env": "TASKS_CLIENT_ID", "client_secret_env": "\(secretVariable)", "scope": "tasks:read"},
                  "streams": {"tasks": {"path": "/oauth/tasks", "records_path": "$.tasks",
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 10},
                    "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "tasks_api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full"}]"#)
        return workspace
    }

    private func stateDump(_ workspace: RunWorkspace) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.statePath, ".dump"]).stdout
    }

    func testRunRenewsRevokedTokensAndLeaksNoSecret() throws {
        let server = try MockAPIServer(token: secret, tasks: 95)
        try server.configureTokens(requestsPerToken: 4)
        let workspace = try workspace(server, dotEnv: "TASKS_CLIENT_ID=etl-client\nTASKS_CLIENT_SECRET=\(secret)\n")
        let outcome = try workspace.run(["run", "--verbose"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let count = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM tasks"]).stdout
        XCTAssertEqual(count.trimmingCharacters(in: .whitespacesAndNewlines), "95")
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.issued, 3)
        XCTAssertEqual(stats.refused, 2)
        XCTAssertTrue(outcome.stderr.contains("POST \(server.baseURL)/oauth/token: HTTP 200"), "the token request is logged: \(outcome.stderr)")
        let everything = outcome.stdout + outcome.stderr + (try stateDump(workspace))
        XCTAssertFalse(everything.contains(secret), "the client secret leaked: \(outcome.stderr)")
        XCTAssertFalse(everything.contains("mock-access-token"), "an access token leaked: \(outcome.stderr)")
    }

    func testWrongClientSecretExits78QuotingTheTokenEndpoint() throws {
        let server = try MockAPIServer(token: secret, tasks: 20)
        let wrong = "wrong-CLIENT-secret-0815"
        let workspace = try workspace(server, dotEnv: "TASKS_CLIENT_ID=etl-client\nTASKS_CLIENT_SECRET=\(wrong)\n")
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        let expected = "read failed (invalid config): the token endpoint POST \(server.baseURL)/oauth/token (client_credentials grant) answered HTTP 401: invalid_client: client authentication failed"
        XCTAssertTrue(outcome.stderr.contains(expected), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("client_secret_env (TASKS_CLIENT_SECRET)"), outcome.stderr)
        let recorded = try workspace.stateQuery("SELECT status, error FROM etl_runs")
        XCTAssertTrue(recorded.hasPrefix("failed|"), recorded)
        XCTAssertTrue(recorded.contains("invalid_client: client authentication failed"), recorded)
        let everything = outcome.stdout + outcome.stderr + (try stateDump(workspace))
        XCTAssertFalse(everything.contains(wrong), "the wrong secret leaked: \(outcome.stderr)")
        XCTAssertEqual(try requestCount(server, prefix: "/oauth/tasks"), 0)
    }

    func testValidateReportsAnUnsetClientSecretVariable() throws {
        let server = try MockAPIServer(token: secret, tasks: 1)
        let workspace = try workspace(server, secretVariable: "TASKS_UNSET_SECRET", dotEnv: "TASKS_CLIENT_ID=etl-client\n")
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("config.auth.client_secret_env names the environment variable TASKS_UNSET_SECRET, which is not set"),
                      outcome.stderr)
        XCTAssertTrue(try server.tokenStats().grants.isEmpty, "validate fetches no token")
    }

    private func requestCount(_ server: MockAPIServer, prefix: String) throws -> Int {
        try server.requests().filter { ($0["path"] as? String)?.hasPrefix(prefix) == true }.count
    }
}
