import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// A HubSpot-style CRM search: a POST whose watermark sits deep in the body
/// (`filterGroups[0].filters[0].value`, epoch milliseconds as text), paged by an `after` cursor
/// in the body; and a watermark sent as a header.
final class HTTPSearchPlacementTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 250)
    }

    override func tearDown() {
        server = nil
    }

    /// 2024-01-01T04:10:00Z, the last-modified time of deal 25 (deal n: 2024-01-01 + n × 10 min).
    private let deal25 = "1704082200000"

    private func searchStream(cursorParam: String = "$.after", bodyPath: String = "$.filterGroups[0].filters[0].value") -> [String: Any] {
        [
            "path": "/crm/v3/objects/deals/search", "method": "POST", "records_path": "$.results",
            "body": [
                "filterGroups": [["filters": [["propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": ""]]]],
                "sorts": [["propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"]],
                "properties": ["dealname", "amount", "hs_lastmodifieddate"],
            ],
            "pagination": ["type": "cursor", "cursor_param": cursorParam, "cursor_path": "$.paging.next.after", "limit_param": "limit", "limit": 4],
            "incremental": ["in": "body", "body_path": bodyPath, "format": "epoch_millis", "cursor_path": "$.properties.hs_lastmodifieddate"],
            "columns": [["name": "id", "type": "int64"], ["name": "dealname", "path": "$.properties.dealname", "type": "text"],
                        ["name": "modified", "path": "$.properties.hs_lastmodifieddate", "type": "text"]],
        ]
    }

    private func searchBodies() throws -> [[String: Any]] {
        try server.requests().filter { ($0["path"] as? String) == "/crm/v3/objects/deals/search" }.compactMap { $0["body"] as? [String: Any] }
    }

    private func filterValue(_ body: [String: Any]) -> Any? {
        let groups = body["filterGroups"] as? [[String: Any]]
        return (groups?.first?["filters"] as? [[String: Any]])?.first?["value"]
    }

    func testTheWatermarkReplacesTheBodyValueAndTheAfterCursorPagesTheSearch() throws {
        let source = try HTTPTestPlugin.source(server, stream: searchStream())
        let result = try source.readAll(cursor: "modified", initialValue: "\"2024-01-01T04:10:00Z\"")
        XCTAssertEqual(result.ids, [25, 26, 27, 28, 29, 30])
        XCTAssertEqual(result.rows.first?[2], deal25)

        let bodies = try searchBodies()
        XCTAssertEqual(bodies.count, 2)
        XCTAssertNil(bodies[0]["after"], "the first request has no cursor")
        XCTAssertEqual(bodies[1]["after"] as? String, "4")
        for body in bodies {
            XCTAssertEqual(filterValue(body) as? String, deal25, "the watermark is epoch milliseconds as text, where the template had \"\"")
            XCTAssertEqual((body["sorts"] as? [[String: Any]])?.first?["direction"] as? String, "ASCENDING", "the rest of the body stays")
            XCTAssertEqual(body["limit"] as? Int, 4)
            XCTAssertEqual((body["properties"] as? [String])?.count, 3)
        }
        let state = try XCTUnwrap(result.lastCheckpoint)
        XCTAssertEqual(state, #"{"cursor":"1704085200000"}"#, "the state keeps HubSpot's text form")

        // The next run sends the state's value.
        _ = try HTTPTestPlugin.source(server, stream: searchStream()).readAll(state: state, cursor: "modified")
        XCTAssertEqual(filterValue(try XCTUnwrap(try searchBodies().last)) as? String, "1704085200000")
    }

    func testAFullReadSendsTheTemplateAsWrittenAndPagesByATopLevelAfter() throws {
        var stream = searchStream(cursorParam: "after")
        stream["body"] = ["filterGroups": [["filters": [["propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"]]]],
                          "sorts": [["propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"]]]
        let result = try HTTPTestPlugin.source(server, stream: stream).readAll()
        XCTAssertEqual(result.ids, Array(1...30))
        let bodies = try searchBodies()
        XCTAssertEqual(bodies.map { $0["after"] as? String }, [nil, "4", "8", "12", "16", "20", "24", "28"])
        XCTAssertTrue(bodies.allSatisfy { filterValue($0) as? String == "0" && $0["sorts"] != nil })
    }

    func testBodyStringsTakePlaceholdersFromTheOptions() throws {
        var stream = searchStream(cursorParam: "after")
        stream["body"] = ["filterGroups": [["filters": [["propertyName": "hs_lastmodifieddate", "operator": "{operator}", "value": "{since}"]]]],
                          "properties": ["dealname", "literal {{braces}}"]]
        let result = try HTTPTestPlugin.source(server, stream: stream)
            .readAll(options: #"{"entry_options": {"operator": "GT", "since": "1704082200000"}}"#)
        XCTAssertEqual(result.ids, [26, 27, 28, 29, 30])
        let body = try XCTUnwrap(try searchBodies().first)
        XCTAssertEqual(filterValue(body) as? String, "1704082200000")
        XCTAssertEqual(body["properties"] as? [String], ["dealname", "literal {braces}"])
        assertFails(["uses {operator}", "options have no \"operator\""]) {
            _ = try HTTPTestPlugin.source(self.server, stream: stream).readAll(options: #"{"entry_options": {"since": "0"}}"#)
        }
    }

    func testABodyPathThatNamesNoValueOfTheBodyIsAConfigError() throws {
        assertFails(["config.streams.tasks.incremental.body_path", "$.filterGroups[0].filters[1].value", "names no value of config.streams.tasks.body"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.searchStream(bodyPath: "$.filterGroups[0].filters[1].value"))
        }
        assertFails(["config.streams.tasks.incremental.body_path", "member and index steps only"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.searchStream(bodyPath: "$.filterGroups[*].filters[0].value"))
        }
        var query = searchStream()
        query["incremental"] = ["in": "query", "param": "since", "body_path": "$.x", "cursor_path": "$.id"]
        assertFails(["config.streams.tasks.incremental.body_path only applies with \"in\": \"body\""]) {
            _ = try HTTPTestPlugin.source(self.server, stream: query)
        }
        var get = searchStream()
        get["method"] = "GET"
        assertFails(["config.streams.tasks.pagination.cursor_param \"$.after\" is a body path, which only a POST stream has"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: get)
        }
    }

    func testTheWatermarkCanGoInAHeader() throws {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/header-since/tasks", "records_path": "$.tasks",
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50, "total_path": "$.total"],
            "incremental": ["in": "header", "param": "X-Updated-Since", "cursor_path": "$.updated_at"],
            "columns": [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"]],
        ])
        let result = try source.readAll(cursor: "updated_at", initialValue: "\"2024-01-01T01:00:00Z\"")
        XCTAssertEqual(result.rows.count, 70)
        XCTAssertEqual(result.rows.first?[1], "2024-01-01T01:00:00Z")
        let requests = try server.requests().filter { ($0["path"] as? String) == "/header-since/tasks" }
        XCTAssertEqual(requests.count, 2)
        for request in requests {
            XCTAssertEqual((request["headers"] as? [String: Any])?["X-Updated-Since"] as? String, "2024-01-01T01:00:00Z")
            XCTAssertNil((request["query"] as? [String: Any])?["updated_since"])
        }
    }
}
