import ETLRuntimeCore
import TestSupport
import XCTest

/// The source's contract beyond pagination: check, limits, typed columns and config mistakes.
final class HTTPSourceBehaviourTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 40)
    }

    override func tearDown() {
        server = nil
    }

    private var pageStream: [String: Any] {
        ["path": "/page/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
         "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 10, "total_path": "$.total"]]
    }

    func testCheckReachesTheFirstStream() throws {
        XCTAssertNoThrow(try HTTPTestPlugin.source(server, stream: pageStream).check())
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 1)
    }

    func testCheckReportsAnUnreachablePath() throws {
        let source = try HTTPTestPlugin.source(server, stream: ["path": "/notfound", "columns": HTTPTestPlugin.columns])
        assertFails(["HTTP 404", "/notfound"]) { try source.check() }
    }

    func testMaxRecordsStopsEarly() throws {
        let result = try HTTPTestPlugin.source(server, stream: pageStream).readAll(maxRecords: 15)
        XCTAssertEqual(result.ids, Array(1...15))
    }

    func testDeclaredColumnsAreTypedAndReadByPath() throws {
        let result = try HTTPTestPlugin.source(server, stream: pageStream).readAll()
        XCTAssertEqual(result.schema.fields.map(\.type), [.int64, .utf8, .timestampMicrosecondsUTC, .utf8])
        // Task 1: updated at the mock's epoch base, 2024-01-01T00:00:00Z; task 5 has no assignee.
        XCTAssertEqual(result.rows[0][2], "1704067200000000")
        XCTAssertNotNil(result.rows[0][3])
        XCTAssertNil(result.rows[4][3])
    }

    func testAValueThatDoesNotFitItsTypeRejectsTheRecord() throws {
        var stream = pageStream
        stream["columns"] = [["name": "id", "type": "int64"], ["name": "name", "type": "int64"]]
        let result = try HTTPTestPlugin.source(server, stream: stream).readAll()
        XCTAssertEqual(result.rows.count, 0)
        XCTAssertEqual(result.rejects.count, 40)
        XCTAssertTrue(result.rejects[0].reason.contains("column name"), result.rejects[0].reason)
        XCTAssertTrue(result.rejects[0].position.contains("/page/tasks"), result.rejects[0].position)
    }

    func testUnknownStreamNamesTheStreamsThereAre() throws {
        let source = try HTTPTestPlugin.source(server, stream: pageStream)
        assertFails(["\"orders\"", "\"tasks\""]) { _ = try source.readAll(stream: "orders") }
    }

    func testIncrementalReadOfAStreamWithoutIncrementalSettingsIsRefused() throws {
        let source = try HTTPTestPlugin.source(server, stream: pageStream)
        assertFails(["no \"incremental\" object"]) { _ = try source.readAll(cursor: "updated_at") }
    }

    func testUnknownConfigKeyIsRefused() throws {
        var stream = pageStream
        stream["recrods_path"] = "$.tasks"
        assertFails(["recrods_path"]) { _ = try HTTPTestPlugin.source(self.server, stream: stream) }
    }
}
