import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Credentials come from the environment and never leave the plugin in errors, logs or state.
final class HTTPAuthTests: XCTestCase {
    private static let token = "s3cr3t-T0KEN-do-not-print"
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(token: Self.token, tasks: 30)
        setenv("HTTP_TEST_TOKEN", Self.token, 1)
        setenv("HTTP_TEST_USER", "etl", 1)
        setenv("HTTP_TEST_WRONG", "wrong-token-value", 1)
    }

    override func tearDown() {
        server = nil
    }

    private func source(_ path: String, auth: [String: Any], extra: [String: Any] = [:]) throws -> SourceInstance {
        var config = extra
        config["auth"] = auth
        return try HTTPTestPlugin.source(server, stream: ["path": path, "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
                                                          "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50]],
                                         extra: config)
    }

    func testBearerTokenFromTheEnvironmentIsSent() throws {
        let result = try source("/secure/tasks", auth: ["type": "bearer", "token_env": "HTTP_TEST_TOKEN"]).readAll()
        XCTAssertEqual(result.ids, Array(1...30))
    }

    func testBasicCredentialsFromTheEnvironmentAreSent() throws {
        let result = try source("/basic/tasks", auth: ["type": "basic", "username_env": "HTTP_TEST_USER", "password_env": "HTTP_TEST_TOKEN"]).readAll()
        XCTAssertEqual(result.ids, Array(1...30))
    }

    func testAPIKeyInAHeaderIsSent() throws {
        let result = try source("/apikey/tasks", auth: ["type": "api_key", "key_env": "HTTP_TEST_TOKEN", "header": "X-API-Key"]).readAll()
        XCTAssertEqual(result.ids, Array(1...30))
    }

    func testAPIKeyInTheQueryIsSent() throws {
        let result = try source("/apikey/tasks", auth: ["type": "api_key", "key_env": "HTTP_TEST_TOKEN", "query_param": "api_key"]).readAll()
        XCTAssertEqual(result.ids, Array(1...30))
    }

    func testMissingEnvironmentVariableNamesTheVariable() throws {
        unsetenv("HTTP_TEST_UNSET")
        assertFails(["HTTP_TEST_UNSET", "not set"]) {
            _ = try source("/secure/tasks", auth: ["type": "bearer", "token_env": "HTTP_TEST_UNSET"])
        }
    }

    func testWrongBearerTokenFailsWithoutPrintingIt() throws {
        let source = try source("/secure/tasks", auth: ["type": "bearer", "token_env": "HTTP_TEST_WRONG"])
        assertFails(["HTTP 401"], absent: ["wrong-token-value"]) { _ = try source.readAll() }
    }

    func testAPIKeyInTheQueryNeverAppearsInErrors() throws {
        let source = try source("/malformed/tasks", auth: ["type": "api_key", "key_env": "HTTP_TEST_TOKEN", "query_param": "api_key"])
        assertFails(["/malformed/tasks", "byte offset"], absent: [Self.token]) { _ = try source.readAll() }
    }

    func testTokenNeverAppearsInLogsOrTheResumeState() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/ratelimited/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50],
            "incremental": ["param": "updated_since", "cursor_path": "$.updated_at"],
        ], extra: ["auth": ["type": "api_key", "key_env": "HTTP_TEST_TOKEN", "query_param": "api_key"]])
        var result: HTTPReadResult?
        let logs = try OutputCapture.run {
            result = try source.readAll(cursor: "updated_at", initialValue: "\"2020-01-01T00:00:00Z\"")
        }
        XCTAssertTrue(logs.contains("HTTP 429"), "the retry should be logged: \(logs)")
        XCTAssertFalse(logs.contains(Self.token), "the token leaked into the log: \(logs)")
        let state = try XCTUnwrap(result?.checkpoints.last ?? nil)
        XCTAssertFalse(state.contains(Self.token))
        XCTAssertTrue(state.contains("cursor"))
    }
}

/// Captures what the process writes to stdout and stderr while `body` runs (the host's log
/// handler writes plugin log lines there).
enum OutputCapture {
    static func run(_ body: () throws -> Void) throws -> String {
        let folder = TemporaryDirectory("http-logs")
        let path = folder.file("out.txt")
        fflush(nil)
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let savedOut = dup(1)
        let savedErr = dup(2)
        dup2(file, 1)
        dup2(file, 2)
        defer {
            fflush(nil)
            dup2(savedOut, 1)
            dup2(savedErr, 2)
            close(savedOut)
            close(savedErr)
            close(file)
        }
        try body()
        fflush(nil)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
