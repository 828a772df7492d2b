import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The watermark of an incremental read never lets the next read skip a record: for an API
/// that returns records in no particular order it moves only at the end of a complete read;
/// a stream declared `sorted_by_cursor` moves after every page, and a record going backwards
/// fails the read.
final class HTTPWatermarkOrderTests: XCTestCase {
    private var server: MockAPIServer!
    private let start = #"{"cursor":"2024-01-01T00:00:00Z"}"#
    /// The newest `updated_at` of the 60 tasks (three tasks share each minute).
    private let newest = "2024-01-01T00:19:00Z"

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 60)
    }

    override func tearDown() {
        server = nil
    }

    private func source(_ path: String, sorted: Bool? = nil,
                        columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"]]) throws -> SourceInstance {
        var incremental: [String: Any] = ["param": "updated_since", "cursor_path": "$.updated_at"]
        if let sorted { incremental["sorted_by_cursor"] = sorted }
        return try HTTPTestPlugin.source(server, stream: [
            "path": path, "records_path": "$.tasks", "columns": columns,
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 20, "total_path": "$.total"],
            "incremental": incremental,
        ])
    }

    private func cursor(_ state: String?) throws -> String {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(state).utf8)) as? [String: Any])
        return try XCTUnwrap(object["cursor"] as? String)
    }

    /// The ids on the last page of /unsorted/tasks (the mock's fixed shuffle).
    private func lastUnsortedPage(of count: Int, pageSize: Int) -> [Int] {
        let order = (1...count).sorted { ($0 * 2654435761) % 4294967296 < ($1 * 2654435761) % 4294967296 }
        return Array(order[((count - 1) / pageSize * pageSize)...])
    }

    func testUnsortedCheckpointsStayAtTheStartUntilTheBatchThatCompletesTheRead() throws {
        // Batches of exactly one page: the last batch ends at a page boundary, so the source
        // must look at the next page to know that this batch completes the read.
        let result = try source("/unsorted/tasks").readAll(state: start, cursor: "updated_at", batchSize: 20)
        XCTAssertEqual(result.ids.sorted(), Array(1...60))
        XCTAssertNotEqual(result.ids, Array(1...60), "the endpoint must not serve cursor order")
        XCTAssertEqual(result.checkpoints.count, 3)
        XCTAssertEqual(result.checkpoints[0], start)
        XCTAssertEqual(result.checkpoints[1], start)
        XCTAssertEqual(try cursor(result.checkpoints[2]), newest)
    }

    func testUnsortedFirstRunCheckpointsNullUntilTheReadIsComplete() throws {
        let result = try source("/unsorted/tasks").readAll(cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"", batchSize: 25)
        XCTAssertEqual(result.batches.map(\.count), [20, 20, 20])
        XCTAssertEqual(result.checkpoints.dropLast(), ["null", "null"], "no watermark before the read is complete: the next run starts from initial_value")
        XCTAssertEqual(try cursor(result.lastCheckpoint), newest)
        // And a run resumed from that null state starts from initial_value again.
        XCTAssertEqual(try source("/unsorted/tasks").readAll(state: "null", cursor: "updated_at",
                                                             initialValue: "\"2000-01-01T00:00:00Z\"").ids.count, 60)
    }

    func testUnsortedReadEndingOnAPageOfOnlyRejectedRecordsStillCompletes() throws {
        let rejected = lastUnsortedPage(of: 60, pageSize: 20)
        let changes = rejected.map { #"{"id": \#($0), "points": "not a number"}"# }.joined(separator: ",")
        try server.upsertTasks("[\(changes)]")
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "points", "type": "double"]]
        let source = try source("/unsorted/tasks", columns: columns)
        let result = try source.readAll(state: start, cursor: "updated_at", batchSize: 20)
        XCTAssertEqual(result.rows.count, 40)
        XCTAssertEqual(result.rejects.count, 20)
        XCTAssertEqual(try cursor(result.lastCheckpoint), newest, "the rejected page was passed: the read is complete")
    }

    func testUnsortedReadOfOnlyRejectedRecordsMovesTheWatermarkAtTheEnd() throws {
        let source = try source("/unsorted/tasks", columns: [["name": "id", "type": "int64"], ["name": "name", "type": "int64"]])
        let read = try source.readAll(state: start, cursor: "updated_at")
        XCTAssertEqual(read.batches.count, 0)
        XCTAssertEqual(read.rejects.count, 60)
        XCTAssertEqual(try cursor(try source.checkpoint()), newest)
    }

    func testEmptyUnsortedReadKeepsTheState() throws {
        let state = #"{"cursor":"2099-01-01T00:00:00Z"}"#
        XCTAssertEqual(try source("/unsorted/tasks").checkpointAfterRead(state: state), state)
    }

    func testSortedCheckpointsAdvanceWithEveryPage() throws {
        let result = try source("/sorted/tasks", sorted: true).readAll(state: start, cursor: "updated_at", batchSize: 20)
        XCTAssertEqual(result.ids, Array(1...60))
        for (batch, checkpoint) in zip(result.batches, result.checkpoints) {
            XCTAssertEqual(try cursor(checkpoint), batch.last?[1] ?? nil)
        }
    }

    func testSortedDeclarationAgainstAnUnsortedAPIFailsNamingThePageRecordAndValues() throws {
        let source = try source("/unsorted/tasks", sorted: true)
        assertFails(["/unsorted/tasks?", "page=1", "record ", "lower than the", "sorted_by_cursor", "remove sorted_by_cursor", "fix the API's sort"]) {
            _ = try source.readAll(state: start, cursor: "updated_at")
        }
    }

    func testSortedStreamAcceptsTies() throws {
        // Three tasks share each timestamp: equal cursors are not a step backwards.
        XCTAssertEqual(try source("/sorted/tasks", sorted: true).readAll(state: start, cursor: "updated_at").ids.count, 60)
    }

    func testUnsortedStreamRefusesMaxRecordsPerRun() throws {
        let source = try source("/unsorted/tasks")
        assertFails(["max_records_per_run 10", "sorted_by_cursor", "drop max_records_per_run"]) {
            _ = try source.readAll(state: start, cursor: "updated_at", maxRecords: 10, options: #"{"max_records_per_run": 10}"#)
        }
        // A sorted stream may stop part-way: its watermark covers what it read.
        let sorted = try self.source("/sorted/tasks", sorted: true)
            .readAll(state: start, cursor: "updated_at", batchSize: 20, maxRecords: 20, options: #"{"max_records_per_run": 20}"#)
        XCTAssertEqual(sorted.ids, Array(1...20))
        XCTAssertEqual(try cursor(sorted.lastCheckpoint), sorted.rows.last?[1] ?? nil)
    }

    func testSortedByCursorMustBeABoolean() throws {
        assertFails(["config.streams.tasks.incremental.sorted_by_cursor"]) {
            _ = try HTTPTestPlugin.source(server, stream: [
                "path": "/sorted/tasks", "records_path": "$.tasks",
                "incremental": ["param": "updated_since", "cursor_path": "$.updated_at", "sorted_by_cursor": "yes"],
            ])
        }
    }
}
