import ETLPluginTypes
import ETLRuntimeCore
import XCTest

/// SQL model entries in plugins.json: `sql` or `sql_file` and `materialize` instead of a source.
final class SQLModelManifestTests: XCTestCase {
    private func load(_ entry: String, plugins: (any PluginContractProviding)? = nil,
                      files: [String: String] = [:]) throws -> (ManifestLoadResult, [String]) {
        let workspace = try ManifestWorkspace()
        for (name, text) in files { _ = try workspace.write(name, text) }
        let sinks = #"{ "warehouse": { "plugin": "sqlite", "config": { "path": "warehouse.db" } }, "files": { "plugin": "jsonl", "config": { "path": "out" } } }"#
        let result = try workspace.load(manifest(entry: entry, sinks: sinks), plugins: plugins)
        return (result, workspace.rendered(result))
    }

    func testAModelEntryNeedsNoSourceStreamOrMode() throws {
        let (result, issues) = try load(#""id": "fact", "sink": "warehouse", "target": "fact", "sql": "SELECT 1 AS one""#)
        XCTAssertEqual(issues, [])
        let entry = try XCTUnwrap(result.manifest?.controlTable.first)
        XCTAssertEqual(entry.model, SQLModel(sql: "SELECT 1 AS one", materialization: .table))
        XCTAssertEqual(entry.mode, .full)
    }

    func testSqlFileIsReadRelativeToTheManifest() throws {
        let (result, issues) = try load(#""id": "fact", "sink": "warehouse", "target": "fact", "sql_file": "models/fact.sql", "materialize": "view""#,
                                        files: ["models/fact.sql": "SELECT 2 AS two\n"])
        XCTAssertEqual(issues, [])
        XCTAssertEqual(result.manifest?.controlTable.first?.model?.sql, "SELECT 2 AS two\n")
        XCTAssertEqual(result.manifest?.controlTable.first?.model?.materialization, .view)
    }

    func testAMissingSqlFileIsNamed() throws {
        let (_, issues) = try load(#""id": "fact", "sink": "warehouse", "target": "fact", "sql_file": "missing.sql""#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains("$.control_table[0].sql_file: cannot read the SQL file") && issues[0].contains("missing.sql"), "\(issues)")
    }

    func testSourceKeysAreRefusedOnAModelEntry() throws {
        let (_, issues) = try load(#""id": "fact", "sink": "warehouse", "target": "fact", "sql": "SELECT 1", "source": "crm""#)
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].source: a SQL model entry (one with "sql" or "sql_file") runs inside its sink and has no "source"; remove it, or remove "sql" to read from a source"#,
        ])
    }

    func testAnIncrementalModelNeedsACursorField() throws {
        let (_, issues) = try load(#""id": "log", "sink": "warehouse", "target": "log", "sql": "SELECT 1", "materialize": "incremental""#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains(#"$.control_table[0].materialize: materialize "incremental" needs "cursor_field""#), "\(issues)")
    }

    func testMaterializeIsRefusedOnAnEntryWithASource() throws {
        let (_, issues) = try load(commonEntryFields + #", "mode": "full", "materialize": "table""#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains(#"$.control_table[0].materialize: "materialize" belongs to SQL model entries"#), "\(issues)")
    }

    func testASinkThatCannotRunModelsIsRefused() throws {
        let (_, issues) = try load(#""id": "fact", "sink": "files", "target": "fact", "sql": "SELECT 1""#, plugins: FakePlugins.standard)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains(#"$.control_table[0].sql: sink "files" (plugin "jsonl") cannot run SQL models"#), "\(issues)")
    }
}
