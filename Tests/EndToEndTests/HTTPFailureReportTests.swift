import Foundation
import TestSupport
import XCTest

/// Each way an http read can fail is reported with what happened: the ABI status the plugin
/// chose, the URL (without secrets), the HTTP status or curl's error text, and the attempts
/// made — never a bare "Input/output error". A refused configuration exits 78, the rest 1.
final class HTTPFailureReportTests: XCTestCase {
    private let key = "failure-report-KEY-2718"

    /// One entry reading `path` from `baseURL` with an API key in the query, 2 attempts, then
    /// the run's exit status, stderr and the recorded error.
    private func run(baseURL: String, path: String, query: String = "{}", timeout: Double = 5, pageSize: Int = 100)
        throws -> (status: Int32, stderr: String, error: String) {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(baseURL)", "retries": 1, "retry_base_seconds": 0.01,
                  "timeout_seconds": \(timeout), "auth": {"type": "api_key", "key_env": "REPORT_API_KEY", "query_param": "api_key"},
                  "streams": {"tasks": {"path": "\(path)", "records_path": "$.tasks", "query": \(query),
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": \(pageSize)},
                    "columns": [{"name": "id", "type": "int64"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full"}]"#)
        let outcome = try workspace.run(["run"], environment: ["REPORT_API_KEY": key])
        XCTAssertFalse(outcome.stderr.contains(key), "the API key leaked: \(outcome.stderr)")
        XCTAssertFalse(outcome.stderr.contains("Input/output error"), outcome.stderr)
        let error = try workspace.stateQuery("SELECT error FROM etl_runs").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(outcome.stderr.contains(error), "stderr shows the recorded error: \(outcome.stderr)")
        return (outcome.status, outcome.stderr, error)
    }

    func testServerDownIsAnIOErrorWithCurlsTextAndTheAttempts() throws {
        let result = try run(baseURL: "http://127.0.0.1:1", path: "/tasks")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.hasPrefix("plugin http: read failed (I/O error): GET http://127.0.0.1:1/tasks?per_page=100&page=1 failed after 2 attempts: ")
                      || result.error.hasPrefix("plugin http: read failed (I/O error): GET http://127.0.0.1:1/tasks?page=1&per_page=100 failed after 2 attempts: "), result.error)
        XCTAssertTrue(result.error.contains("Couldn't connect to server"), result.error)
    }

    func testServerErrorAfterRetriesNamesTheStatusAndAttempts() throws {
        let server = try MockAPIServer(token: key, tasks: 10)
        // /flaky/tasks fails twice per URL: with 2 attempts the first page never succeeds.
        let result = try run(baseURL: server.baseURL, path: "/flaky/tasks")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("read failed (I/O error): GET \(server.baseURL)/flaky/tasks?page=1&per_page=100 still answered HTTP 500 after 2 attempts"), result.error)
        XCTAssertTrue(result.error.contains("internal error (flaky endpoint)"), "the server's words are quoted: \(result.error)")
    }

    func testTimeoutOnALaterPageIsAnIOErrorNotAnInputOutputError() throws {
        let server = try MockAPIServer(token: key, tasks: 30)
        // Page 1 answers at once, page 2 after 3 s: past the 1 s timeout, on both attempts.
        let result = try run(baseURL: server.baseURL, path: "/slow/tasks", query: #"{"slow_from_page": "2", "delay": "3"}"#, timeout: 1, pageSize: 10)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("read failed (I/O error): GET \(server.baseURL)/slow/tasks?slow_from_page=2&delay=3&page=2&per_page=10 failed after 2 attempts: Timeout was reached"), result.error)
    }

    func testNotFoundIsAConfigurationMistake() throws {
        let server = try MockAPIServer(token: key, tasks: 10)
        let result = try run(baseURL: server.baseURL, path: "/notfound")
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.error.contains("read failed (invalid config): GET \(server.baseURL)/notfound?page=1&per_page=100 answered HTTP 404 Not Found (not retried): check base_url and the stream's path"), result.error)
    }

    func testMalformedJSONIsBadDataWithTheByteOffset() throws {
        let server = try MockAPIServer(token: key, tasks: 10)
        let result = try run(baseURL: server.baseURL, path: "/malformed/tasks")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("read failed (bad data): GET \(server.baseURL)/malformed/tasks?page=1&per_page=100 returned malformed JSON at byte offset 20"), result.error)
    }

    func testTLSFailureNamesTheTLSErrorAndIsNotRetried() throws {
        // https:// to a server that speaks plain HTTP: the handshake fails.
        let server = try MockAPIServer(token: key, tasks: 10)
        let plainURL = server.baseURL.replacingOccurrences(of: "http://", with: "https://")
        let result = try run(baseURL: plainURL, path: "/page/tasks")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("read failed (I/O error): GET \(plainURL)/page/tasks?page=1&per_page=100 failed after 1 attempt: "), result.error)
        XCTAssertTrue(result.error.contains("SSL") || result.error.contains("TLS"), result.error)
        XCTAssertTrue(result.error.contains("verify_tls and ca_bundle"), result.error)
    }
}
