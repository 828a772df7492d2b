import Foundation
import TestSupport
import XCTest

/// Records an API refuses are rejects like the source's: they go to etl_rejects with the HTTP
/// status, and the entry's `max_rejects` decides whether the run goes on. The http sink hears
/// the limit from the runtime, so it stops sending as soon as the limit is passed.
final class SinkRejectLimitTests: XCTestCase {
    private var server: MockAPIServer!
    private var workspace: RunWorkspace!

    override func setUpWithError() throws {
        server = try MockAPIServer()
        workspace = RunWorkspace()
        // The mock refuses (422) every task whose name contains FAIL.
        try "id,name\n1,first\n2,FAIL one\n3,second\n4,FAIL two\n5,third\n"
            .write(toFile: workspace.folder.file("tasks.csv"), atomically: false, encoding: .utf8)
    }

    private func writeBack(maxRejects: Int?, sinkOptions: String = "") throws -> ProcessOutcome {
        let limit = maxRejects.map { #", "max_rejects": \#($0)"# } ?? ""
        try workspace.manifest(
            sources: #"{"finished": {"plugin": "csv", "config": {"path": "tasks.csv", "stream": "tasks", "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}}"#,
            sinks: #"{"history": {"plugin": "http", "config": {"base_url": "\#(server.baseURL)", "path": "/list/history/task", "retries": 0\#(sinkOptions)}}}"#,
            entries: """
                [{"id": "write_back", "source": "finished", "stream": "tasks", "sink": "history", "target": "history",
                  "mode": "full", "write": "append"\(limit)}]
                """)
        return try workspace.run(["run"])
    }

    private func sentNames() throws -> [String] {
        try server.writes().compactMap { write in
            guard let body = write["body"] as? [String: Any] else { return nil }
            return body["name"] as? String
        }
    }

    private func rejectReasons() throws -> [String] {
        try workspace.stateQuery("SELECT position || ': ' || reason FROM etl_rejects ORDER BY position")
            .split(separator: "\n").map(String.init)
    }

    func testRefusedRecordsWithinMaxRejectsAreKeptAsRejectsAndTheRunSucceeds() throws {
        let outcome = try writeBack(maxRejects: 2)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=write_back status=ok read=5 written=3 rejected=2"), outcome.stderr)
        XCTAssertEqual(try sentNames(), ["first", "FAIL one", "second", "FAIL two", "third"])
        let reasons = try rejectReasons()
        XCTAssertEqual(reasons.count, 2, "\(reasons)")
        XCTAssertTrue(reasons.allSatisfy { $0.contains("HTTP 422") && $0.contains("name rejected") }, "\(reasons)")
    }

    func testPassingMaxRejectsStopsTheSinkBeforeItSendsAnotherRecord() throws {
        let outcome = try writeBack(maxRejects: 1)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=write_back status=failed read=5 written=0 rejected=2"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("more than the entry's max_rejects = 1"), outcome.stderr)
        XCTAssertEqual(try sentNames(), ["first", "FAIL one", "second", "FAIL two"], "nothing is sent after the limit")
        XCTAssertEqual(try rejectReasons().count, 2, "the refused records are kept for reading")
    }

    func testByDefaultTheFirstRefusedRecordFailsTheRun() throws {
        let outcome = try writeBack(maxRejects: nil)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("more than the entry's max_rejects = 0"), outcome.stderr)
        XCTAssertEqual(try sentNames(), ["first", "FAIL one"])
    }

    func testTheRunCountsRefusedRecordsEvenWhenTheSinkToleratesMore() throws {
        // The sink's own cap is higher, so it sends everything; the runtime still holds the
        // entry to max_rejects and does not commit the load.
        let outcome = try writeBack(maxRejects: 1, sinkOptions: #", "max_failed_records": 10"#)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("2 rows rejected, more than max_rejects (1); the last 2 refused by sink \"history\""), outcome.stderr)
        XCTAssertEqual(try sentNames().count, 5)
        XCTAssertEqual(try rejectReasons().count, 2)
    }
}
