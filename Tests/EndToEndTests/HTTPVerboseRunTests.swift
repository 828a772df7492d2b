import Foundation
import TestSupport
import XCTest

/// `run --verbose` shows each request the http source sends (method, URL without secrets,
/// status, bytes, time, and the incremental parameter with the lookback applied); the default
/// output does not. `status` shows each entry's lookback beside its watermark.
final class HTTPVerboseRunTests: XCTestCase {
    private let token = "verbose-TOKEN-31415"

    private func workspace(_ server: MockAPIServer) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)",
                  "auth": {"type": "api_key", "key_env": "VERBOSE_API_KEY", "query_param": "api_key"},
                  "streams": {"tasks": {"path": "/apikey/tasks", "records_path": "$.tasks",
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 20},
                    "incremental": {"param": "updated_since", "cursor_path": "$.updated_at"},
                    "columns": [{"name": "id", "type": "int64"}, {"name": "updated_at", "type": "text"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks",
                  "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at",
                  "initial_value": "2024-01-01T00:00:00Z", "lookback": "PT5M"}]
                """)
        return workspace
    }

    func testVerboseRunLogsEachRequestWithTheIncrementalParameterAndLookback() throws {
        let server = try MockAPIServer(token: token, tasks: 50)
        let workspace = try workspace(server)
        let environment = ["VERBOSE_API_KEY": token]
        let quiet = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("/apikey/tasks?"), "requests are debug lines: \(quiet.stderr)")

        // The first run ended at task 50's updated_at, 2024-01-01T00:16:00Z.
        let verbose = try workspace.run(["run", "--verbose"], environment: environment)
        XCTAssertEqual(verbose.status, 0, verbose.stderr)
        let lines = verbose.stderr.split(separator: "\n").filter { $0.contains("GET \(server.baseURL)/apikey/tasks?") }
        XCTAssertEqual(lines.count, 1, "one request (its page is short): \(verbose.stderr)")
        let line = String(lines.first ?? "")
        XCTAssertTrue(line.contains("debug"), line)
        XCTAssertTrue(line.contains("GET \(server.baseURL)/apikey/tasks?updated_since=2024-01-01T00%3A11%3A00Z&page=1&per_page=20: HTTP 200, ")
                      || line.contains("GET \(server.baseURL)/apikey/tasks?updated_since=2024-01-01T00:11:00Z&page=1&per_page=20: HTTP 200, "), line)
        XCTAssertTrue(line.contains(" bytes in "), line)
        XCTAssertTrue(line.hasSuffix("; updated_since=2024-01-01T00:11:00Z (watermark 2024-01-01T00:16:00Z minus lookback PT5M)"), line)
        XCTAssertFalse(verbose.stderr.contains(token), "the API key leaked: \(verbose.stderr)")
    }

    func testStatusShowsTheLookbackBesideTheWatermark() throws {
        let server = try MockAPIServer(token: token, tasks: 5)
        let workspace = try workspace(server)
        XCTAssertEqual(try workspace.run(["run"], environment: ["VERBOSE_API_KEY": token]).status, 0)
        let table = try workspace.run(["status"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.contains("LOOKBACK  WATERMARK") ?? false, table.stdout)
        XCTAssertTrue(lines.dropFirst().first?.contains("PT5M") ?? false, table.stdout)
        let json = try workspace.run(["status", "--json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["lookback"] as? String, "PT5M")
        XCTAssertNotNil(rows.first?["watermark"] as? String)
    }
}
