import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Parent → child requests, ClickUp-style: team → spaces → lists → tasks, each level's
/// requests run once per record of the level above, with the parent's fields in the rows.
final class HTTPParentChildTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 10)
    }

    override func tearDown() {
        server = nil
    }

    /// Discover has no entry options, so the team is fixed in the path unless a test says otherwise.
    private var streams: [String: Any] { [
        "spaces": ["path": "/clickup/team/t1/space", "records_path": "$.spaces"],
        "lists": ["path": "/clickup/space/{space_id}/list", "records_path": "$.lists",
                  "parent": ["stream": "spaces", "fields": ["space_id": "$.id"]]],
        "tasks": ["path": "/clickup/list/{list_id}/task", "records_path": "$.tasks",
                  "pagination": ["type": "page_number", "start_page": 0, "page_size": 2],
                  "incremental": ["param": "date_updated_gt", "format": "epoch_millis", "cursor_path": "$.date_updated"],
                  "parent": ["stream": "lists", "fields": ["list_id": "$.id", "list_name": "$.name", "space_id": "$.space_id"]]],
    ] }

    private func source(_ streams: [String: Any]? = nil) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: [:], extra: ["streams": streams ?? self.streams])
    }

    private func taskRequests() throws -> [[String: Any]] {
        try server.requests().filter { ($0["path"] as? String)?.hasPrefix("/clickup/list/") == true }
    }

    func testEveryListsTasksAreReadWithTheListAndSpaceFieldsFirst() throws {
        let source = try source()
        let schema = try XCTUnwrap(try source.discover().first { $0.name == "tasks" }).schema
        XCTAssertEqual(schema.fields.prefix(4).map(\.name), ["list_id", "list_name", "space_id", "id"])
        let before = try taskRequests().count
        let result = try source.readAll(stream: "tasks", options: #"{"entry_options": {"team_id": "t1"}}"#)
        XCTAssertEqual(result.rows.map { Array($0.prefix(4)) }, [
            ["101", "Backlog", "s1", "101-1"], ["101", "Backlog", "s1", "101-2"], ["101", "Backlog", "s1", "101-3"],
            ["102", "Sprint", "s1", "102-1"], ["102", "Sprint", "s1", "102-2"],
            ["201", "Leads", "s2", "201-1"],
        ])
        // Each list's tasks are paged on their own: 101 (2 + 1), 102 (2 + 0), 201 (1), 202 (0).
        let pages = try taskRequests().dropFirst(before).map { "\($0["path"]!) \(($0["query"] as? [String: Any])?["page"] ?? "")" }
        XCTAssertEqual(pages, ["/clickup/list/101/task 0", "/clickup/list/101/task 1", "/clickup/list/102/task 0",
                               "/clickup/list/102/task 1", "/clickup/list/201/task 0", "/clickup/list/202/task 0"])
    }

    func testAnIncrementalChildSendsItsOwnWatermarkToEveryParentAndKeepsItsOwnState() throws {
        var streams = self.streams
        var tasks = try XCTUnwrap(streams["tasks"] as? [String: Any])
        tasks["columns"] = [["name": "list_id"], ["name": "list_name"], ["name": "space_id"], ["name": "id"], ["name": "date_updated"]]
        streams["tasks"] = tasks
        let result = try source(streams).readAll(stream: "tasks", cursor: "date_updated", initialValue: "1704430890000",
                                          options: #"{"entry_options": {"team_id": "t1"}}"#)
        XCTAssertEqual(result.rows.map { $0[3] }, ["101-2", "101-3", "102-1", "102-2", "201-1"])
        let sent = Set(try taskRequests().map { ($0["query"] as? [String: Any])?["date_updated_gt"] as? String })
        XCTAssertEqual(sent, ["1704430890000"])
        let parents = try server.requests().filter { ($0["path"] as? String)?.hasPrefix("/clickup/list/") == false }
        XCTAssertTrue(parents.allSatisfy { ($0["query"] as? [String: Any])?["date_updated_gt"] == nil }, "parents are read in full")
        XCTAssertEqual(result.lastCheckpoint, #"{"cursor":"1704790860000"}"#)
    }

    func testAChildTableOfAStreamWithAParentReadsThroughTheWholeChain() throws {
        var streams = self.streams
        var tasks = try XCTUnwrap(streams["tasks"] as? [String: Any])
        // The test's configs are written with sorted keys: list_id comes before task_id.
        tasks["children"] = ["custom_fields": ["path": "$.custom_fields", "parent_key": ["list_id": "$.list_id", "task_id": "$.id"]]]
        streams["tasks"] = tasks
        let source = try source(streams)
        let schema = try XCTUnwrap(try source.discover().first { $0.name == "tasks__custom_fields" }).schema
        XCTAssertEqual(schema.fields.map(\.name), ["list_id", "task_id", "date_updated", "_index", "id", "name", "type", "value"])
        let rows = try source.readAll(stream: "tasks__custom_fields").rows
        XCTAssertEqual(rows.map { "\($0[1]!) \($0[3]!) \($0[5]!)" }, [
            "101-1 0 Squad", "101-1 1 Estimate", "101-2 0 Squad", "101-2 1 Estimate", "101-3 0 Estimate",
            "102-1 0 Squad", "102-1 1 Estimate", "102-2 0 Squad", "102-2 1 Estimate", "201-1 0 Squad", "201-1 1 Estimate",
        ])
        XCTAssertEqual(Set(rows.map { $0[0] }), ["101", "102", "201"])
        XCTAssertEqual(rows[1][7], "2", "the Estimate of task 101-1")
    }

    func testAChildRequestThatFailsNamesTheParentRecord() throws {
        assertFails(["stream \"tasks\" for parent stream \"lists\" record 0", #""list_id":"300""#, #""list_name":"Gone""#,
                     "/clickup/list/300/task", "404"]) {
            var streams = self.streams
            streams["spaces"] = ["path": "/clickup/team/{team_id}/space", "records_path": "$.spaces"]
            _ = try self.source(streams).readAll(stream: "tasks", options: #"{"entry_options": {"team_id": "t9"}}"#)
        }
    }

    func testAParentFieldMissingFromTheParentRecordIsNamed() throws {
        var streams = self.streams
        streams["lists"] = ["path": "/clickup/space/{space_id}/list", "records_path": "$.lists",
                            "parent": ["stream": "spaces", "fields": ["space_id": "$.space_key"]]]
        assertFails(["stream \"lists\"", "parent stream \"spaces\" record 0", "no value at $.space_key for {space_id}"]) {
            _ = try self.source(streams).readAll(stream: "lists", options: #"{"entry_options": {"team_id": "t1"}}"#)
        }
    }

    func testAParentThatIsNotAStreamOrALoopIsAConfigError() throws {
        var unknown = streams
        unknown["lists"] = ["path": "/x/{id}", "parent": ["stream": "folders", "fields": ["id": "$.id"]]]
        assertFails(["config.streams.lists.parent.stream \"folders\" is not in config.streams"]) { _ = try self.source(unknown) }
        var loop = streams
        loop["spaces"] = ["path": "/x/{id}", "parent": ["stream": "tasks", "fields": ["id": "$.id"]]]
        assertFails(["parent makes a loop", "a stream cannot be its own ancestor"]) { _ = try self.source(loop) }
        var empty = streams
        empty["lists"] = ["path": "/x", "parent": ["stream": "spaces", "fields": [String: Any]()]]
        assertFails(["config.streams.lists.parent.fields must name at least one parent field"]) { _ = try self.source(empty) }
    }
}
