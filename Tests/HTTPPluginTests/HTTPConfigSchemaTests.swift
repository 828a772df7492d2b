import ETLJSON
import ETLRuntimeCore
import TestSupport
import XCTest

/// The published config schemas compile with the runtime's validator and accept the documented configs.
final class HTTPConfigSchemaTests: XCTestCase {
    private func violations(sink: Bool, _ config: String) throws -> Int {
        let plugin = try HTTPTestPlugin.plugin(sink: sink)
        let schema = try JSONSchema(text: plugin.info.configSchemaJSON)
        let node = try JSONParser.parse(config).root
        return JSONSchemaValidator(schema: schema).validate(node).violations.count
    }

    func testSourceSchemaAcceptsADocumentedConfig() throws {
        let config = #"""
        {"base_url": "https://api.example.com", "auth": {"type": "bearer", "token_env": "TOKEN"}, "max_concurrency": 4,
         "streams": {"tasks": {"path": "/tasks", "records_path": "$.tasks",
           "pagination": {"type": "page_number", "page_param": "page", "size_param": "per_page", "page_size": 100, "total_path": "$.total"},
           "columns": [{"name": "assignee", "path": "$.assignees[0].username", "type": "text"}],
           "incremental": {"param": "updated_since", "in": "query", "format": "iso8601", "cursor_path": "$.updated_at"}}}}
        """#
        XCTAssertEqual(try violations(sink: false, config), 0)
    }

    func testSourceSchemaRefusesAnUnknownStreamKey() throws {
        let config = #"{"base_url": "https://x", "streams": {"tasks": {"path": "/t", "recrods_path": "$.tasks"}}}"#
        XCTAssertGreaterThan(try violations(sink: false, config), 0)
    }

    func testSinkSchemaAcceptsADocumentedConfig() throws {
        let config = #"""
        {"base_url": "https://api.example.com", "path": "/list/{list_id}/task", "body": {"name": "{name}"},
         "idempotency_key": {"header": "Idempotency-Key", "columns": ["id"]}, "max_failed_records": 3,
         "auth": {"type": "api_key", "key_env": "KEY", "header": "X-API-Key"}}
        """#
        XCTAssertEqual(try violations(sink: true, config), 0)
    }
}
