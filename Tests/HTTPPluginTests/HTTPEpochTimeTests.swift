import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Timestamps written as epoch seconds or milliseconds (numbers or numeric strings) load as
/// typed timestamp and date columns, the same whether pages are scanned from their bytes or
/// parsed into trees, and serve as incremental cursors.
final class HTTPEpochTimeTests: XCTestCase {
    private var server: MockAPIServer!
    /// 2024-01-01T00:00:00Z, the mock's first updated_at.
    private static let base: Int64 = 1_704_067_200

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 30)
    }

    override func tearDown() {
        unsetenv("ETL_HTTP_SCAN_ONLY")
        unsetenv("ETL_HTTP_TREE_PAGES")
        server = nil
    }

    private func stream(columns: [[String: Any]], incremental: [String: Any]? = nil) -> [String: Any] {
        var stream: [String: Any] = ["path": "/epoch/tasks", "records_path": "$.tasks", "columns": columns,
                                     "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 7, "total_path": "$.total"]]
        if let incremental { stream["incremental"] = incremental }
        return stream
    }

    /// The mock's updated_at of task `id`, in seconds (three tasks share each minute).
    private static func updated(_ id: Int64) -> Int64 { base + (id - 1) / 3 * 60 }

    func testEpochMillisAndSecondsLoadAsExactTimestampsAndDatesBothWays() throws {
        let columns: [[String: Any]] = [
            ["name": "id", "type": "int64"],
            ["name": "updated_at", "type": "timestamp", "format": "epoch_millis"],
            ["name": "created", "path": "$.created_s", "type": "timestamp", "format": "epoch_seconds"],
            ["name": "created_day", "path": "$.created_s", "type": "date", "format": "epoch_seconds"],
        ]
        setenv("ETL_HTTP_SCAN_ONLY", "1", 1)
        let scanned = try HTTPTestPlugin.source(server, stream: stream(columns: columns)).readAll()
        unsetenv("ETL_HTTP_SCAN_ONLY")
        setenv("ETL_HTTP_TREE_PAGES", "1", 1)
        let tree = try HTTPTestPlugin.source(server, stream: stream(columns: columns)).readAll()
        XCTAssertEqual(scanned.rows, tree.rows, "the byte scan and the tree must load the same values")
        XCTAssertEqual(scanned.rejects.count, 0)
        XCTAssertEqual(tree.rows.count, 30)
        // Task 4: updated 2024-01-01T00:01:00Z, created a day before (a numeric string for even ids).
        XCTAssertEqual(tree.rows[3], ["4", String(Self.updated(4) * 1_000_000), String((Self.updated(4) - 86_400) * 1_000_000), "19722"])
        XCTAssertEqual(tree.rows[0], ["1", "1704067200000000", "1703980800000000", "19722"])
    }

    func testISO8601FormatRefusesEpochNumbersAsRejects() throws {
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "updated_at", "type": "timestamp", "format": "iso8601"]]
        let result = try HTTPTestPlugin.source(server, stream: stream(columns: columns)).readAll()
        XCTAssertEqual(result.rows.count, 0)
        XCTAssertEqual(result.rejects.count, 30)
        XCTAssertTrue(result.rejects.first?.reason.contains("is not a valid timestamp in iso8601") ?? false, "\(result.rejects.first?.reason ?? "")")
    }

    func testFormatOnAColumnThatIsNotATimeIsRefused() throws {
        let columns: [[String: Any]] = [["name": "id", "type": "int64", "format": "epoch_millis"]]
        assertFails(["config.streams.tasks.columns[0].format", "timestamp and date columns only"]) {
            _ = try HTTPTestPlugin.source(server, stream: stream(columns: columns))
        }
    }

    func testEpochMillisCursorCarriesTheWatermarkIntoTheNextRead() throws {
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "updated_at", "type": "timestamp", "format": "epoch_millis"]]
        let incremental: [String: Any] = ["param": "updated_since_ms", "format": "epoch_millis", "cursor_path": "$.updated_at"]
        let first = try HTTPTestPlugin.source(server, stream: stream(columns: columns, incremental: incremental))
            .readAll(cursor: "updated_at", initialValue: "0")
        XCTAssertEqual(first.rows.count, 30)
        let state = try XCTUnwrap(first.checkpoints.last ?? nil)
        XCTAssertEqual(state, #"{"cursor":\#(Self.updated(30) * 1000)}"#)
        let second = try HTTPTestPlugin.source(server, stream: stream(columns: columns, incremental: incremental))
            .readAll(state: state, cursor: "updated_at")
        XCTAssertEqual(second.ids, [28, 29, 30], "the tasks at the watermark's instant, read again")
    }

    func testCursorFormatReadsEpochMillisRecordsForAnISOFilter() throws {
        // The records write milliseconds; the API filters by an ISO 8601 parameter.
        let columns: [[String: Any]] = [["name": "id", "type": "int64"]]
        let incremental: [String: Any] = ["param": "updated_since", "format": "iso8601", "cursor_format": "epoch_millis", "cursor_path": "$.updated_at"]
        let first = try HTTPTestPlugin.source(server, stream: stream(columns: columns, incremental: incremental))
            .readAll(cursor: "updated_at", initialValue: #""2020-01-01T00:00:00Z""#)
        let state = try XCTUnwrap(first.checkpoints.last ?? nil)
        try server.reset()
        let second = try HTTPTestPlugin.source(server, stream: stream(columns: columns, incremental: incremental))
            .readAll(state: state, cursor: "updated_at")
        XCTAssertEqual(second.ids, [28, 29, 30])
        let since = try server.requests().compactMap { ($0["query"] as? [String: Any])?["updated_since"] as? String }
        XCTAssertEqual(Set(since), ["2024-01-01T00:09:00Z"])
    }
}
