import ETLJSON
import ETLRuntimeCore
import TestSupport
import XCTest

/// The source's published schema knows the keys for the APIs real teams load (README: parent,
/// children, watermark in a header or at a body path, JSONPath filters) and refuses misspelt ones.
final class HTTPShapeSchemaTests: XCTestCase {
    private func violations(_ config: String) throws -> Int {
        let plugin = try HTTPTestPlugin.plugin(sink: false)
        let schema = try JSONSchema(text: plugin.info.configSchemaJSON)
        return JSONSchemaValidator(schema: schema).validate(try JSONParser.parse(config).root).violations.count
    }

    private let documented = #"""
    {"base_url": "https://api.example.com", "streams": {
      "lists": {"path": "/space/{space_id}/list", "records_path": "$.lists[?(@.archived == false)]",
                "parent": {"stream": "spaces", "fields": {"space_id": "$.id"}}},
      "spaces": {"path": "/team/{team_id}/space", "records_path": "$.spaces"},
      "tasks": {"path": "/list/{list_id}/task", "records_path": "$.tasks",
                "parent": {"stream": "lists", "fields": {"list_id": "$.id", "list_name": "$.name"}},
                "columns": [{"name": "squad", "path": "$.custom_fields[?(@.name=='Squad')].value", "type": "text"}],
                "incremental": {"param": "X-Updated-Since", "in": "header", "cursor_path": "$.date_updated"},
                "children": {"assignees": {"path": "$.assignees", "parent_key": {"task_id": "$.id"},
                                           "columns": [{"name": "username", "type": "text"}]}}},
      "deals": {"path": "/crm/v3/objects/deals/search", "method": "POST", "records_path": "$.results",
                "body": {"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": ""}]}]},
                "pagination": {"type": "cursor", "cursor_param": "after", "cursor_path": "$.paging.next.after", "limit_param": "limit", "limit": 100},
                "incremental": {"in": "body", "body_path": "$.filterGroups[0].filters[0].value", "format": "epoch_millis",
                                "cursor_path": "$.properties.hs_lastmodifieddate"}}}}
    """#

    func testTheDocumentedShapesAreAcceptedByTheSchemaAndThePlugin() throws {
        XCTAssertEqual(try violations(documented), 0)
        _ = try SourceInstance(plugin: try HTTPTestPlugin.plugin(sink: false), configJSON: documented, entryID: "shapes")
    }

    func testMisspeltKeysOfTheNewObjectsAreRefused() throws {
        for (wrong, right) in [(#""parent_keys""#, #""parent_key""#), (#""feilds""#, #""fields""#), (#""bodypath""#, #""body_path""#)] {
            let config = documented.replacingOccurrences(of: right, with: wrong)
            XCTAssertGreaterThan(try violations(config), 0, wrong)
            XCTAssertThrowsError(try SourceInstance(plugin: try HTTPTestPlugin.plugin(sink: false), configJSON: config, entryID: "shapes"), wrong)
        }
    }
}
