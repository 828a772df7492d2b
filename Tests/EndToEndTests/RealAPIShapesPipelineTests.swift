import Foundation
import TestSupport
import XCTest

/// The API shapes real teams load, through `etl-runtime run` into SQLite against the mock:
/// ClickUp tasks read list by list under their spaces (parent → child requests), their custom
/// fields picked by a JSONPath filter and their assignees as a child table; HubSpot deals by a
/// POST search with the watermark deep in the body and an `after` cursor.
final class RealAPIShapesPipelineTests: XCTestCase {
    private let sources = #"""
    {
      "clickup": {"plugin": "http", "config": {"base_url": "${API_URL}/clickup", "streams": {
        "spaces": {"path": "/team/t1/space", "records_path": "$.spaces"},
        "lists": {"path": "/space/{space_id}/list", "records_path": "$.lists",
                  "parent": {"stream": "spaces", "fields": {"space_id": "$.id"}}},
        "tasks": {"path": "/list/{list_id}/task", "records_path": "$.tasks",
                  "pagination": {"type": "page_number", "start_page": 0, "page_size": 2},
                  "parent": {"stream": "lists", "fields": {"list_id": "$.id"}},
                  "columns": [{"name": "list_id"}, {"name": "id"}, {"name": "name"},
                              {"name": "squad", "path": "$.custom_fields[?(@.name=='Squad')].value"},
                              {"name": "date_updated"}],
                  "incremental": {"param": "date_updated_gt", "format": "epoch_millis", "cursor_path": "$.date_updated"},
                  "children": {"assignees": {"path": "$.assignees", "parent_key": {"task_id": "$.id"},
                                             "columns": [{"name": "username"}]}}}}}},
      "hubspot": {"plugin": "http", "config": {"base_url": "${API_URL}", "streams": {
        "deals": {"path": "/crm/v3/objects/deals/search", "method": "POST", "records_path": "$.results",
                  "body": {"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": ""}]}],
                           "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]},
                  "pagination": {"type": "cursor", "cursor_param": "after", "cursor_path": "$.paging.next.after",
                                 "limit_param": "limit", "limit": 4},
                  "incremental": {"in": "body", "body_path": "$.filterGroups[0].filters[0].value", "format": "epoch_millis",
                                  "cursor_path": "$.properties.hs_lastmodifieddate"},
                  "columns": [{"name": "id", "type": "int64"}, {"name": "dealname", "path": "$.properties.dealname"},
                              {"name": "modified", "path": "$.properties.hs_lastmodifieddate"}]}}}}
    }
    """#

    private let entries = #"""
    [
      {"id": "clickup_tasks", "source": "clickup", "stream": "tasks", "sink": "warehouse", "target": "clickup_tasks",
       "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "date_updated", "initial_value": "0"},
      {"id": "clickup_assignees", "source": "clickup", "stream": "tasks__assignees", "sink": "warehouse",
       "target": "clickup_task_assignees", "mode": "full"},
      {"id": "hubspot_deals", "source": "hubspot", "stream": "deals", "sink": "warehouse", "target": "hubspot_deals",
       "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "modified",
       "initial_value": "2024-01-01T04:10:00Z"}
    ]
    """#

    private func query(_ workspace: RunWorkspace, _ sql: String) throws -> [String] {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .split(separator: "\n").map(String.init)
    }

    func testClickUpAndHubSpotShapesLoadAndTheSecondRunAsksOnlyForChanges() throws {
        let server = try MockAPIServer(tasks: 10)
        let workspace = RunWorkspace()
        try workspace.manifest(sources: sources, sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
                               entries: entries)
        let environment = ["API_URL": server.baseURL]
        let first = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)

        XCTAssertEqual(try query(workspace, "SELECT list_id, id, squad FROM clickup_tasks ORDER BY id"), [
            "101|101-1|Core", "101|101-2|Edge", "101|101-3|", "102|102-1|Edge", "102|102-2|Growth", "201|201-1|Edge",
        ])
        XCTAssertEqual(try query(workspace, "SELECT task_id, _index, username FROM clickup_task_assignees ORDER BY task_id, _index"), [
            "101-2|0|user1", "101-3|0|user1", "101-3|1|user2", "102-2|0|user1",
        ])
        XCTAssertEqual(try query(workspace, "SELECT id FROM hubspot_deals ORDER BY id"), ["25", "26", "27", "28", "29", "30"])

        let second = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        let requests = try server.requests()
        let sentSince = requests.compactMap { ($0["query"] as? [String: Any])?["date_updated_gt"] as? String }
        XCTAssertTrue(sentSince.contains("1704790860000"), "the second run starts at the last task's date_updated: \(Set(sentSince))")
        let filterValues = requests.compactMap { request -> String? in
            let groups = (request["body"] as? [String: Any])?["filterGroups"] as? [[String: Any]]
            return (groups?.first?["filters"] as? [[String: Any]])?.first?["value"] as? String
        }
        XCTAssertEqual(filterValues.last, "1704085200000", "the second search starts at deal 30's hs_lastmodifieddate")
        XCTAssertEqual(try query(workspace, "SELECT count(*) FROM hubspot_deals"), ["6"])
    }
}
