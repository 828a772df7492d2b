import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The sink posts records through templates, keys them, retries what may pass and rejects the rest.
final class HTTPSinkTests: XCTestCase {
    private var server: MockAPIServer!
    private let folder = TemporaryDirectory("http-sink")

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 5)
    }

    override func tearDown() {
        server = nil
    }

    private func batch(_ rows: [(Int64, Int64, String)]) throws -> ImportedRecordBatch {
        try HTTPSinkFixture.batch(rows)
    }

    private func load(_ sink: SinkInstance, _ rows: [(Int64, Int64, String)], state: String? = nil) throws -> Int64 {
        try HTTPSinkFixture.load(sink, rows, state: state)
    }

    private var config: [String: Any] {
        ["path": "/list/{list_id}/task", "body": ["name": "{name}", "source_id": "{id}"],
         "idempotency_key": ["header": "Idempotency-Key", "columns": ["id"]], "state_directory": folder.path]
    }

    func testRecordsArePostedThroughThePathAndBodyTemplates() throws {
        let sink = try HTTPTestPlugin.sink(server, config)
        XCTAssertEqual(try load(sink, [(1, 7, "first"), (2, 8, "second")]), 2)
        let writes = try server.writes()
        XCTAssertEqual(writes.map { $0["path"] as? String }, ["/list/7/task", "/list/8/task"])
        let body = try XCTUnwrap(writes.first?["body"] as? [String: Any])
        XCTAssertEqual(body["name"] as? String, "first")
        XCTAssertEqual(body["source_id"] as? Int, 1)
    }

    func testIdempotencyKeyIsStableAcrossRuns() throws {
        _ = try load(try HTTPTestPlugin.sink(server, config), [(1, 7, "first")])
        _ = try load(try HTTPTestPlugin.sink(server, config), [(1, 7, "first again")])
        _ = try load(try HTTPTestPlugin.sink(server, config), [(2, 7, "other")])
        let keys = try server.writes().map { (($0["headers"] as? [String: Any])?["Idempotency-Key"] as? String) ?? "" }
        XCTAssertEqual(keys.count, 3)
        XCTAssertFalse(keys[0].isEmpty)
        XCTAssertEqual(keys[0], keys[1])
        XCTAssertNotEqual(keys[0], keys[2])
    }

    func testFailedRecordsGoToRejectsWithStatusAndExcerpt() throws {
        var settings = config
        settings["max_failed_records"] = 5
        let sink = try HTTPTestPlugin.sink(server, settings)
        XCTAssertEqual(try load(sink, [(1, 7, "ok"), (2, 7, "please FAIL"), (3, 7, "ok too")]), 2)
        let rejects = sink.context.takeRejects()
        XCTAssertEqual(rejects.count, 1)
        XCTAssertTrue(rejects[0].reason.contains("HTTP 422"), rejects[0].reason)
        XCTAssertTrue(rejects[0].reason.contains("name rejected"), rejects[0].reason)
        XCTAssertTrue(rejects[0].raw.contains("please FAIL"), rejects[0].raw)
    }

    func testFailedRecordsAboveTheLimitFailTheLoad() throws {
        let sink = try HTTPTestPlugin.sink(server, config)
        try HTTPSinkFixture.begin(sink)
        assertFails(["the entry's max_rejects = 0", "HTTP 422"]) { try sink.write(try self.batch([(1, 7, "FAIL")])) }
    }

    func testTheLimitIsTheEntrysMaxRejectsUnlessMaxFailedRecordsIsSet() throws {
        let sink = try HTTPTestPlugin.sink(server, config)
        try HTTPSinkFixture.begin(sink, options: #"{"max_rejects": 1, "something_newer": true}"#)
        try sink.write(try batch([(1, 7, "FAIL")]))
        assertFails(["the entry's max_rejects = 1"]) { try sink.write(try self.batch([(2, 7, "FAIL again")])) }

        var capped = config
        capped["max_failed_records"] = 0
        let strict = try HTTPTestPlugin.sink(server, capped)
        try HTTPSinkFixture.begin(strict, options: #"{"max_rejects": 5}"#)
        assertFails(["max_failed_records = 0"]) { try strict.write(try self.batch([(3, 7, "FAIL")])) }
    }

    func testFlakyWritesAreRetried() throws {
        let sink = try HTTPTestPlugin.sink(server, config)
        XCTAssertEqual(try load(sink, [(1, 7, "FLAKY one")]), 1)
        XCTAssertEqual(sink.context.takeRejects().count, 0)
        XCTAssertEqual(try server.writes().count, 2)
    }

    func testBatchesAreSentAsArrays() throws {
        let sink = try HTTPTestPlugin.sink(server, ["path": "/bulk/tasks", "batch": 2])
        XCTAssertEqual(try load(sink, [(1, 7, "a"), (2, 7, "b"), (3, 7, "c")]), 3)
        let bodies = try server.writes().map { ($0["body"] as? [Any])?.count }
        XCTAssertEqual(bodies, [2, 1])
    }

    func testCommittedStateIsReadBack() throws {
        let sink = try HTTPTestPlugin.sink(server, config)
        XCTAssertNil(try sink.readState(entryID: "history"))
        _ = try load(sink, [(1, 7, "first")], state: #"{"cursor":"2024-01-01T00:00:00Z"}"#)
        XCTAssertEqual(try HTTPTestPlugin.sink(server, config).readState(entryID: "history"), #"{"cursor":"2024-01-01T00:00:00Z"}"#)
    }
}
