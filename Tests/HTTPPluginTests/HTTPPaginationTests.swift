import ETLRuntimeCore
import TestSupport
import XCTest

/// Each pagination style reads all 250 tasks of the mock API, in order, exactly once.
final class HTTPPaginationTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer()
    }

    override func tearDown() {
        server = nil
    }

    private func readIDs(_ stream: [String: Any], extra: [String: Any] = [:]) throws -> [Int] {
        var stream = stream
        stream["columns"] = HTTPTestPlugin.columns
        return try HTTPTestPlugin.source(server, stream: stream, extra: extra).readAll().ids
    }

    func testPageNumberWithTotalReadsEveryRecordOnce() throws {
        let ids = try readIDs(["path": "/page/tasks", "records_path": "$.tasks",
                               "pagination": ["type": "page_number", "page_param": "page", "size_param": "per_page", "page_size": 40, "total_path": "$.total"]])
        XCTAssertEqual(ids, Array(1...250))
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 7)
    }

    func testPageNumberWithoutTotalStopsAtTheShortPage() throws {
        let ids = try readIDs(["path": "/page-nototal/tasks", "records_path": "$.tasks",
                               "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50]])
        XCTAssertEqual(ids, Array(1...250))
        // 5 full pages then an empty one (250 is a multiple of 50).
        XCTAssertEqual(try requestCount(server, prefix: "/page-nototal/tasks"), 6)
    }

    func testOffsetPaginationReadsEveryRecordOnce() throws {
        let ids = try readIDs(["path": "/offset/tasks", "records_path": "$.results",
                               "pagination": ["type": "offset", "limit": 60, "total_path": "$.count"]])
        XCTAssertEqual(ids, Array(1...250))
    }

    func testCursorPaginationFollowsTheNextCursor() throws {
        let ids = try readIDs(["path": "/cursor/tasks", "records_path": "$.data",
                               "pagination": ["type": "cursor", "cursor_path": "$.meta.next_cursor", "limit": 70]])
        XCTAssertEqual(ids, Array(1...250))
    }

    func testLinkHeaderPaginationFollowsRelNext() throws {
        let ids = try readIDs(["path": "/link/tasks", "records_path": "$", "query": ["per_page": 100],
                               "pagination": ["type": "link_header"]])
        XCTAssertEqual(ids, Array(1...250))
    }

    func testConcurrentPageFetchKeepsPageOrder() throws {
        let ids = try readIDs(["path": "/page/tasks", "records_path": "$.tasks",
                               "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 10, "total_path": "$.total"]],
                              extra: ["max_concurrency": 4])
        XCTAssertEqual(ids, Array(1...250))
    }

    func testRepeatingCursorIsAnErrorNotALoop() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/loop/tasks", "records_path": "$.data", "columns": HTTPTestPlugin.columns,
            "pagination": ["type": "cursor", "cursor_path": "$.meta.next_cursor"]])
        assertFails(["/loop/tasks", "loop"]) { _ = try source.readAll() }
    }

    func testRepeatedPageIsAnErrorNotALoop() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/repeat/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
            "pagination": ["type": "page_number", "page_size": 50]])
        assertFails(["same records as an earlier page"]) { _ = try source.readAll() }
    }

    func testMaxPagesStopsARunawayRead() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/page/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns, "max_pages": 3,
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 10]])
        assertFails(["max_pages (3)"]) { _ = try source.readAll() }
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 3)
    }

    func testDiscoveredColumnsKeepNestedValuesAsJSONText() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/page/tasks", "records_path": "$.tasks", "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50]])
        let streams = try source.discover()
        let fields = try XCTUnwrap(streams.first).schema.fields
        XCTAssertEqual(fields.first?.name, "id")
        XCTAssertEqual(fields.first?.type, .int64)
        XCTAssertEqual(fields.first { $0.name == "assignees" }?.type, .utf8)
        let result = try source.readAll()
        XCTAssertEqual(result.rows.count, 250)
        let assignees = try XCTUnwrap(result.schema.fields.firstIndex { $0.name == "assignees" })
        XCTAssertTrue(result.rows[0][assignees]?.hasPrefix("[{") == true, "\(result.rows[0])")
    }
}
