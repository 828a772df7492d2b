import Foundation
import TestSupport
import XCTest

/// The engine reads the next batch on its own thread while the sink writes the current one.
/// When the entry fails on the writing side, the batch being read is no longer wanted: the
/// source is told to stop (`is_cancelled`), so the run ends with the real error instead of
/// waiting for a transfer nobody needs.
final class ReadAheadTests: XCTestCase {
    func testAFailureOnTheWritingSideStopsTheSourceInTheMiddleOfARequest() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        // Page 1 answers at once; page 2 is 30 s away. The sink posts each record to an
        // endpoint slower than its 1 s timeout, without retries, so writing the first batch
        // fails the entry after about a second, while the read-ahead waits for page 2.
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "timeout_seconds": 60,
                 "streams": {"tasks": {"path": "/slow/tasks", "query": {"delay": "30", "slow_from_page": "2"},
                  "records_path": "$.tasks",
                  "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 2},
                  "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}}}}
                """,
            sinks: """
                {"slow_api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "path": "/slow/tasks",
                 "timeout_seconds": 1, "retries": 0}}}
                """,
            entries: """
                [{"id": "tasks", "source": "api", "stream": "tasks", "sink": "slow_api", "target": "tasks",
                  "mode": "full", "write": "append", "batch_size": 2}]
                """)
        let started = Date()
        let outcome = try workspace.run(["run"])
        let elapsed = Date().timeIntervalSince(started)
        // Not a speed check: page 2 arrives only after 30 s, so a run that waited for it
        // instead of stopping the source could not have ended sooner.
        XCTAssertLessThan(elapsed, 25, "the run waited for the page it no longer needed")
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=tasks status=failed"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("Timeout was reached"), outcome.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT status FROM etl_runs"), "failed\n")
        let reads = try server.requests().filter { $0["method"] as? String == "GET" }
        let pages = reads.compactMap { ($0["query"] as? [String: Any])?["page"] as? String }
        XCTAssertEqual(pages, ["1", "2"], "page 2 was being read ahead when the sink failed, and nothing after it")
    }
}
