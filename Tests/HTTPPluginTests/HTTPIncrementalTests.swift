import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Incremental reads by `updated_since`: the watermark is sent, moves forward over runs, never
/// moves backwards, and each checkpoint covers whole pages only.
final class HTTPIncrementalTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 60)
    }

    override func tearDown() {
        server = nil
    }

    private func source(format: String = "iso8601", param: String = "updated_since", pageSize: Int = 20,
                        sorted: Bool = false) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: [
            "path": "/page/tasks", "records_path": "$.tasks",
            "columns": [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"]],
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": pageSize, "total_path": "$.total"],
            "incremental": ["param": param, "format": format, "cursor_path": "$.updated_at", "sorted_by_cursor": sorted],
        ])
    }

    private func lastQuery(_ name: String) throws -> String? {
        let requests = try server.requests().filter { ($0["path"] as? String) == "/page/tasks" }
        return (requests.last?["query"] as? [String: Any])?[name] as? String
    }

    private func cursor(_ state: String?) throws -> String {
        let data = Data(try XCTUnwrap(state).utf8)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["cursor"] as? String)
    }

    func testWatermarkMovesForwardOverRunsAndPicksUpChanges() throws {
        let first = try source().readAll(cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"")
        XCTAssertEqual(first.ids, Array(1...60))
        XCTAssertEqual(try lastQuery("updated_since"), "2000-01-01T00:00:00Z")
        let firstState = try XCTUnwrap(first.checkpoints.last ?? nil)
        XCTAssertEqual(try cursor(firstState), first.rows.last?[1])

        // Nothing changed: only the ties at the watermark come back (the filter is inclusive).
        let second = try source().readAll(state: firstState, cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"")
        XCTAssertEqual(try lastQuery("updated_since"), try cursor(firstState))
        XCTAssertTrue(second.ids.allSatisfy { $0 > 50 }, "\(second.ids)")
        XCTAssertEqual(try cursor(second.checkpoints.last ?? firstState), try cursor(firstState))

        try server.upsertTasks(#"[{"id": 7, "name": "Task 7 changed", "updated_at": "2030-01-01T00:00:00Z"}]"#)
        let third = try source().readAll(state: firstState, cursor: "updated_at")
        XCTAssertTrue(third.ids.contains(7))
        XCTAssertEqual(try cursor(third.checkpoints.last ?? nil), "2030-01-01T00:00:00Z")
    }

    func testLookbackReReadsAWindowButNeverMovesTheWatermarkBack() throws {
        let first = try source().readAll(cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"")
        let state = try XCTUnwrap(first.checkpoints.last ?? nil)
        let again = try source().readAll(state: state, cursor: "updated_at", options: #"{"lookback_seconds": 86400000}"#)
        XCTAssertEqual(again.ids, Array(1...60), "the lookback window re-reads everything")
        XCTAssertEqual(try lastQuery("updated_since").map { $0 < (try cursor(state)) }, true)
        for checkpoint in again.checkpoints {
            XCTAssertEqual(try cursor(checkpoint), try cursor(state), "the watermark moved backwards")
        }
    }

    func testEmptyRunKeepsTheState() throws {
        let state = #"{"cursor":"2099-01-01T00:00:00Z"}"#
        let result = try source().readAll(state: state, cursor: "updated_at")
        XCTAssertEqual(result.rows.count, 0)
        XCTAssertEqual(try source().checkpointAfterRead(state: state), state)
    }

    func testWatermarkIsSentInEpochSeconds() throws {
        _ = try source(format: "epoch_seconds", param: "updated_since_epoch")
            .readAll(cursor: "updated_at", initialValue: "\"2024-01-01T00:00:00Z\"")
        XCTAssertEqual(try lastQuery("updated_since_epoch"), "1704067200")
    }

    func testWatermarkAndPagesGoIntoThePOSTBody() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/search/tasks", "method": "POST", "body": ["per_page": 25], "records_path": "$.tasks",
            "columns": [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"]],
            "pagination": ["type": "page_number", "page_param": "page", "page_size": 25, "total_path": "$.total"],
            "incremental": ["param": "updated_since", "in": "body", "cursor_path": "$.updated_at"],
        ])
        // Task 31 onwards: tasks share a timestamp in threes, so the watermark of task 31 is minute 10.
        let result = try source.readAll(cursor: "updated_at", initialValue: "\"2024-01-01T00:10:00Z\"")
        XCTAssertEqual(result.ids, Array(31...60))
        XCTAssertEqual(try requestCount(server, prefix: "/search/tasks"), 2)
    }

    func testCheckpointsCoverWholePagesOnly() throws {
        let result = try source(pageSize: 20, sorted: true).readAll(cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"", batchSize: 30)
        XCTAssertEqual(result.batches.map(\.count), [20, 20, 20])
        for (batch, checkpoint) in zip(result.batches, result.checkpoints) {
            XCTAssertEqual(try cursor(checkpoint), batch.last?[1] ?? nil)
        }
    }

    func testPageLargerThanTheBatchKeepsThePreviousCheckpointUntilItEnds() throws {
        let result = try source(pageSize: 20, sorted: true).readAll(cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"", batchSize: 15)
        XCTAssertEqual(result.batches.map(\.count), [15, 5, 15, 5, 15, 5])
        XCTAssertEqual(result.checkpoints[0], "null", "no page was complete after the first batch (JSON null: no watermark yet)")
        XCTAssertEqual(try cursor(result.checkpoints[1]), result.batches[1].last?[1] ?? nil)
        XCTAssertEqual(result.checkpoints[2], result.checkpoints[1])
    }
}

extension SourceInstance {
    /// The checkpoint after reading a stream to its end, or before any batch when there is none.
    func checkpointAfterRead(state: String) throws -> String? {
        let read = try self.read(ReadRequest(entryID: "http_test", stream: "tasks", stateJSON: state, cursorField: "updated_at",
                                             initialValueJSON: nil, batchSize: 100, maxBatchBytes: 0, maxRecords: 0, optionsJSON: nil))
        while try read.stream.next() != nil {}
        return try checkpoint()
    }
}
