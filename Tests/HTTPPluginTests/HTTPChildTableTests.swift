import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Arrays exploded to child tables: `tasks` with `children.assignees` offers `tasks__assignees`,
/// one row per assignee with the task's key, the task's cursor and the position first.
/// Mock tasks 1 and 6 have two assignees, 2 to 4 one, 5 none.
final class HTTPChildTableTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 6)
    }

    override func tearDown() {
        server = nil
    }

    private func tasksStream(child: [String: Any] = ["path": "$.assignees", "parent_key": ["task_id": "$.id"]]) -> [String: Any] {
        [
            "path": "/page/tasks", "records_path": "$.tasks",
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 4, "total_path": "$.total"],
            "columns": [["name": "id", "type": "int64"], ["name": "updated_at", "type": "text"],
                        ["name": "assignees", "type": "json"]],
            "incremental": ["param": "updated_since", "cursor_path": "$.updated_at"],
            "children": ["assignees": child],
        ]
    }

    /// The rows tasks__assignees should have, made from the parent stream's own read.
    private func expectedRows(from source: SourceInstance, since: String? = nil) throws -> [[String?]] {
        let parents = try source.readAll(stream: "tasks", cursor: since == nil ? nil : "updated_at",
                                         initialValue: since.map { "\"\($0)\"" })
        var rows: [[String?]] = []
        for task in parents.rows {
            let data = Data(try XCTUnwrap(task[2]).utf8)
            let assignees = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            for (index, assignee) in assignees.enumerated() {
                rows.append([task[0], task[1], String(index), assignee["username"] as? String])
            }
        }
        return rows
    }

    func testDiscoverListsTheChildStreamWithTheParentKeyFirst() throws {
        let source = try HTTPTestPlugin.source(server, stream: tasksStream())
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["tasks", "tasks__assignees"])
        let fields = try XCTUnwrap(streams.last).schema.fields
        XCTAssertEqual(fields.map(\.name), ["task_id", "updated_at", "_index", "username"])
        XCTAssertEqual(fields.map(\.type), [.int64, .utf8, .int64, .utf8], "the key and cursor typed as the parent declares them")
    }

    func testEveryElementIsARowWithItsParentKeyAndPosition() throws {
        let source = try HTTPTestPlugin.source(server, stream: tasksStream())
        let result = try source.readAll(stream: "tasks__assignees")
        XCTAssertEqual(result.rows.map { $0[0] }, ["1", "1", "2", "3", "4", "6", "6"], "task 5 has no assignees, so no rows")
        XCTAssertEqual(result.rows.map { $0[2] }, ["0", "1", "0", "0", "0", "0", "1"])
        XCTAssertEqual(result.rows, try expectedRows(from: source))
        XCTAssertTrue(result.rows.allSatisfy { $0[3]?.isEmpty == false })
    }

    func testAnIncrementalChildFollowsTheParentsWatermark() throws {
        let since = "2024-01-01T00:01:00Z"  // tasks 4 to 6
        let source = try HTTPTestPlugin.source(server, stream: tasksStream())
        let result = try source.readAll(stream: "tasks__assignees", cursor: "updated_at", initialValue: "\"\(since)\"")
        XCTAssertEqual(result.rows.map { $0[0] }, ["4", "6", "6"])
        XCTAssertEqual(result.rows, try expectedRows(from: source, since: since))
        let sent = try server.requests().compactMap { ($0["query"] as? [String: Any])?["updated_since"] as? String }
        XCTAssertEqual(Set(sent), [since], "the parent's requests carry the child's watermark")
        XCTAssertEqual(result.lastCheckpoint, #"{"cursor":"2024-01-01T00:01:00Z"}"#)
    }

    func testDeclaredChildColumnsAndArraysOfScalars() throws {
        let declared = try HTTPTestPlugin.source(server, stream: tasksStream(child: [
            "path": "$.assignees", "parent_key": ["task_id": "$.id"], "columns": [["name": "user", "path": "$.username", "type": "text"]]]))
        let rows = try declared.readAll(stream: "tasks__assignees").rows
        XCTAssertEqual(rows.map { $0.count }, Array(repeating: 4, count: 7))
        XCTAssertEqual(rows.map { [$0[0], $0[2], $0[3]] }, try expectedRows(from: declared).map { [$0[0], $0[2], $0[3]] })

        let scalars = try HTTPTestPlugin.source(server, stream: tasksStream(child: ["path": "$.assignees[*].username", "parent_key": ["task_id": "$.id"]]))
        let fields = try XCTUnwrap(try scalars.discover().last).schema.fields
        XCTAssertEqual(fields.map(\.name), ["task_id", "updated_at", "_index", "value"])
        XCTAssertEqual(try scalars.readAll(stream: "tasks__assignees").rows.map { $0[3] }, try expectedRows(from: scalars).map { $0[3] })
    }

    func testTheParentKeepsTheArrayAsJSONText() throws {
        let result = try HTTPTestPlugin.source(server, stream: tasksStream()).readAll(stream: "tasks")
        XCTAssertEqual(result.rows.count, 6)
        XCTAssertEqual(result.rows[4][2], "[]")
    }

    func testBadChildConfigsAreNamed() throws {
        assertFails(["config.streams.tasks.children.assignees.parent_key must name at least one column"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.tasksStream(child: ["path": "$.assignees", "parent_key": [String: Any]()]))
        }
        assertFails(["config.streams.tasks.children.assignees.parent_key._index"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.tasksStream(child: ["path": "$.assignees", "parent_key": ["_index": "$.id"]]))
        }
        assertFails(["config.streams.tasks.children.assignees.path", "at character"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.tasksStream(child: ["path": "$.assignees[", "parent_key": ["task_id": "$.id"]]))
        }
        assertFails(["makes stream \"tasks__assignees\", which config.streams already has"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: self.tasksStream(),
                                          extra: ["streams": ["tasks": self.tasksStream(), "tasks__assignees": ["path": "/x"]]])
        }
    }
}
