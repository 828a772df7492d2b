import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// JSONPath wildcards and filters in column paths and `records_path`, read through the plugin
/// from the mock's ClickUp-like tasks (list 101: tasks 101-1 and 101-2 have a Squad custom
/// field, 101-3 only an Estimate; task n has n-1 assignees).
final class HTTPJSONPathFilterTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 10)
    }

    override func tearDown() {
        server = nil
    }

    /// The rows of list 101's tasks with `columns` after the id.
    /// A records_path filter applies to each page after paging, so the short-page stop is off.
    private func rows(_ columns: [[String: Any]], recordsPath: String = "$.tasks") throws -> [[String?]] {
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/clickup/list/101/task", "records_path": recordsPath, "stop_on_short_page": false,
            "pagination": ["type": "page_number", "start_page": 0, "page_size": 2],
            "columns": [["name": "id", "type": "text"]] + columns,
        ])
        return try source.readAll().rows
    }

    func testAFilterPicksTheValueOfTheCustomFieldWithThatName() throws {
        let result = try rows([
            ["name": "squad", "path": "$.custom_fields[?(@.name=='Squad')].value", "type": "text"],
            ["name": "estimate", "path": "$.custom_fields[?(@.name == \"Estimate\")].value", "type": "int64"],
        ])
        XCTAssertEqual(result, [["101-1", "Core", "2"], ["101-2", "Edge", "4"], ["101-3", nil, "6"]],
                       "a filter that matches nothing gives null")
    }

    func testComparisonsLogicExistenceAndNestedPaths() throws {
        let cases: [(path: String, expected: [String?])] = [
            ("$.custom_fields[?(@.value > 2)].name", [nil, "Estimate", "Estimate"]),
            ("$.custom_fields[?(@.value >= 2 && @.type == 'number')].value", ["2", "4", "6"]),
            ("$.custom_fields[?(@.name == 'Squad' || @.value <= 2)].id", ["cf-squad", "cf-squad", nil]),
            ("$.custom_fields[?(@.name != 'Squad')].name", ["Estimate", "Estimate", "Estimate"]),
            ("$.custom_fields[?(@.value < 'Edge')].value", ["Core", nil, nil]),
            ("$.custom_fields[?(!(@.type == 'number'))].value", ["Core", "Edge", nil]),
            ("$.custom_fields[?(@.value == null)].id", [nil, nil, nil]),
            ("$.assignees[?(@.username)].username", [nil, "user1", "user1"]),
            ("$.assignees[?(@.id == 2)].username", [nil, nil, "user2"]),
            ("$[?(@.username)]", [nil, nil, nil]),
            ("$.assignees[*].id", [nil, "1", "1"]),
            ("$.assignees.*.username", [nil, "user1", "user1"]),
        ]
        for (path, expected) in cases {
            let result = try rows([["name": "value", "path": path, "type": "text"]])
            XCTAssertEqual(result.map { $0[1] }, expected, path)
        }
    }

    func testAJSONColumnWithAWildcardOrFilterHoldsEveryMatchAsAnArray() throws {
        let result = try rows([
            ["name": "assignees", "path": "$.assignees[*].username", "type": "json"],
            ["name": "fields", "path": "$.custom_fields[?(@.type=='number')]", "type": "json"],
        ])
        XCTAssertEqual(result.map { $0[1] }, ["[]", #"["user1"]"#, #"["user1","user2"]"#])
        XCTAssertEqual(result[0][2], #"[{"id":"cf-estimate","name":"Estimate","type":"number","value":2}]"#)
    }

    func testARecordsPathFilterSelectsTheRecords() throws {
        let result = try rows([["name": "name", "type": "text"]], recordsPath: "$.tasks[?(@.assignees[0])]")
        XCTAssertEqual(result.map { $0[0] }, ["101-2", "101-3"])
        let all = try rows([["name": "name", "type": "text"]], recordsPath: "$.tasks[*]")
        XCTAssertEqual(all.map { $0[0] }, ["101-1", "101-2", "101-3"])
    }

    func testARecordsPathFilterIsRefusedWherePagingCountsRecords() throws {
        assertFails(["config.streams.tasks.records_path $.tasks[?(@.assignees[0])]", "set \"stop_on_short_page\": false"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: [
                "path": "/clickup/list/101/task", "records_path": "$.tasks[?(@.assignees[0])]",
                "pagination": ["type": "page_number", "start_page": 0, "page_size": 2]])
        }
        assertFails(["config.streams.tasks.records_path $.tasks[*]", "offset pagination cannot count"]) {
            _ = try HTTPTestPlugin.source(self.server, stream: [
                "path": "/offset/tasks", "records_path": "$.tasks[*]", "stop_on_short_page": false,
                "pagination": ["type": "offset", "limit": 2]])
        }
    }

    func testAFilteredColumnReadsTheSameWhetherPagesAreScannedOrNot() throws {
        setenv("ETL_HTTP_TREE_PAGES", "1", 1)
        defer { unsetenv("ETL_HTTP_TREE_PAGES") }
        let result = try rows([["name": "squad", "path": "$.custom_fields[?(@.name=='Squad')].value", "type": "text"]])
        XCTAssertEqual(result.map { $0[1] }, ["Core", "Edge", nil])
    }

    func testAPathThatDoesNotParseNamesTheKeyAndTheCharacter() throws {
        let cases: [(path: String, fragments: [String])] = [
            ("$.custom_fields[?(@.name=='Squad')", ["config.streams.tasks.columns[1].path", "at character 35", "expected ']'"]),
            ("$.custom_fields[?(@.name=='Squad].value", ["at character 27", "unclosed quoted string"]),
            ("$.custom_fields[?(@.name=~'S')].value", ["at character 25", "=~ (regular expressions) is not supported"]),
            ("$.custom_fields[?(@.name in ['S'])].value", ["at character 26", "expected ')'"]),
            ("$.custom_fields[?('Squad')].value", ["at character 19", "a literal on its own is no test"]),
            ("$.a[x]", ["at character 5", "array index"]),
            ("custom_fields", ["at character 1", "must start with $"]),
        ]
        for (path, fragments) in cases {
            assertFails(fragments + [path]) {
                _ = try rows([["name": "squad", "path": path, "type": "text"]])
            }
        }
        assertFails(["config.streams.tasks.records_path", "at character 17", "expected @, a quoted string"]) {
            _ = try rows([], recordsPath: "$.tasks[?(@.a ==)]")
        }
    }
}
