import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// A read that ends with fewer records than the API's total fails (or warns under
/// `allow_short_read`), and a page numbering that does not match the API's says so.
final class HTTPShortReadTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 60)
    }

    override func tearDown() {
        server = nil
    }

    private func source(_ path: String, pagination extra: [String: Any] = [:], columns: [[String: Any]]? = nil) throws -> SourceInstance {
        var pagination: [String: Any] = ["type": "page_number", "size_param": "per_page", "page_size": 20, "total_path": "$.total"]
        for (key, value) in extra { pagination[key] = value }
        return try HTTPTestPlugin.source(server, stream: [
            "path": path, "records_path": "$.tasks", "pagination": pagination,
            "columns": columns ?? [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"]],
            "incremental": ["param": "updated_since", "cursor_path": "$.updated_at"],
        ])
    }

    func testStartPageDefaultsToOneAndAZeroBasedAPIFailsOnePageShort() throws {
        let source = try source("/zero-based/tasks")
        assertFails(["stream \"tasks\"", "40 records of the 60", "the API probably counts pages from 0", "set pagination.start_page to 0"]) {
            _ = try source.readAll()
        }
    }

    func testStartPageZeroReadsAZeroBasedAPIWhole() throws {
        XCTAssertEqual(try source("/zero-based/tasks", pagination: ["start_page": 0]).readAll().ids, Array(1...60))
    }

    func testIncrementalReadComparesWithTheFilteredTotal() throws {
        // Tasks 31 onwards (minute 10 on): a total of 30, of which page 1 of a 0-based API skips 20.
        let source = try source("/zero-based/tasks")
        assertFails(["10 records of the 30", "set pagination.start_page to 0"]) {
            _ = try source.readAll(cursor: "updated_at", initialValue: "\"2024-01-01T00:10:00Z\"")
        }
        let whole = try self.source("/zero-based/tasks", pagination: ["start_page": 0])
            .readAll(cursor: "updated_at", initialValue: "\"2024-01-01T00:10:00Z\"")
        XCTAssertEqual(whole.ids, Array(31...60))
    }

    func testAllowShortReadOnlyWarns() throws {
        let result = try source("/zero-based/tasks", pagination: ["allow_short_read": true]).readAll()
        XCTAssertEqual(result.ids, Array(21...60))
    }

    func testAllowShortReadNeedsATotal() throws {
        assertFails(["config.streams.tasks.pagination.allow_short_read needs config.streams.tasks.pagination.total_path"]) {
            _ = try HTTPTestPlugin.source(server, stream: [
                "path": "/page/tasks", "records_path": "$.tasks",
                "pagination": ["type": "page_number", "size_param": "per_page", "allow_short_read": true],
            ])
        }
    }

    func testStartPageZeroOnAOneBasedAPIThatRepeatsPageOneSuggestsStartPageOne() throws {
        let source = try source("/lenient-page/tasks", pagination: ["start_page": 0])
        assertFails(["returned the same records as an earlier page", "the API probably counts pages from 1", "set pagination.start_page to 1"]) {
            _ = try source.readAll()
        }
    }

    func testAReadStoppedByMaxRecordsIsNotShort() throws {
        XCTAssertEqual(try source("/page/tasks").readAll(maxRecords: 30).ids, Array(1...30))
    }

    func testRejectedRecordsCountAsRead() throws {
        let result = try source("/page/tasks", columns: [["name": "id", "type": "int64"], ["name": "name", "type": "int64"]]).readAll()
        XCTAssertEqual(result.rows.count, 0)
        XCTAssertEqual(result.rejects.count, 60)
    }

    func testOffsetPaginationThatReachesItsCountIsNotShort() throws {
        // The offset endpoint's count is the total it is compared with.
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/offset/tasks", "records_path": "$.results", "query": ["limit": 20],
            "pagination": ["type": "offset", "limit": 20, "total_path": "$.count"],
            "columns": [["name": "id", "type": "int64"]],
        ])
        XCTAssertEqual(try source.readAll().ids, Array(1...60))
    }
}
