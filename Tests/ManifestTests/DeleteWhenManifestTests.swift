import ETLRuntimeCore
import XCTest

/// `delete_when` in a control-table entry: an expression read for write merge and scd2 into a
/// sink that can delete, and refused where nothing could be deleted.
final class DeleteWhenManifestTests: XCTestCase {
    private func load(_ fields: String, plugins: FakePlugins? = .standard) throws -> (ManifestLoadResult, [String]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + ", " + fields), plugins: plugins)
        return (result, workspace.rendered(result))
    }

    func testAMergeEntryCarriesTheRuleWithItsPathAndLine() throws {
        let (result, issues) = try load(#""mode": "incremental", "cursor_field": "updated_at", "write": "merge", "primary_key": ["id"], "delete_when": "_op = 'D'""#)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(result.manifest?.controlTable.first?.deleteWhen,
                       DeleteRule(expression: "_op = 'D'", jsonPath: "$.control_table[0].delete_when", line: 6))
    }

    func testAnScd2EntryAcceptsIt() throws {
        let (result, issues) = try load(#""mode": "full", "write": "scd2", "primary_key": ["id"], "delete_when": "deleted""#)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(result.manifest?.controlTable.first?.deleteWhen?.expression, "deleted")
    }

    func testItIsRefusedForAppend() throws {
        let (_, issues) = try load(#""mode": "incremental", "cursor_field": "updated_at", "delete_when": "_op = 'D'""#)
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].delete_when: "delete_when" applies to write "merge" (a matching row deletes its key) and "scd2" (it closes the key's current version), and write "append" (the default for mode "incremental") has no key to delete; use write "merge" or "scd2" with a primary_key, or a "filter" transform to leave rows out"#,
        ])
    }

    func testItIsRefusedForReplace() throws {
        let (_, issues) = try load(#""mode": "full", "write": "replace", "delete_when": "_op = 'D'""#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains(#"and write "replace" has no key to delete"#), "\(issues)")
    }

    func testItIsRefusedForASinkWithoutTheDeletesCapability() throws {
        var plugins = FakePlugins.standard
        let index = try XCTUnwrap(plugins.contracts.firstIndex { $0.name == "sqlite" })
        plugins.contracts[index].capabilities.remove("deletes")
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "delete_when": "_op = 'D'""#, plugins: plugins)
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].delete_when: sink "warehouse" (plugin "sqlite") cannot apply deletes (no "deletes" capability); remove delete_when or point the entry at a sink that can, such as a "sqlite" sink"#,
        ])
    }

    func testASyntaxErrorNamesTheCharacter() throws {
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "delete_when": "_op = = 'D'""#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].hasPrefix("plugins.json:6: $.control_table[0].delete_when: at character 7: "), "\(issues)")
    }

    func testItMustBeAString() throws {
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "delete_when": true"#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].hasPrefix("plugins.json:6: $.control_table[0].delete_when: expected a non-empty string, got true"), "\(issues)")
    }

    func testItMayReadAColumnTheTransformsDrop() throws {
        // It reads the columns as the source sends them; the old contract refused this.
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "transforms": [{"drop": ["_op"]}], "delete_when": "_op = 'D'""#)
        XCTAssertEqual(issues, [])
    }

    func testATransformMakingAColumnNamedLikeTheFlagIsRefusedAtItsStep() throws {
        let transforms = #""transforms": [{"trim": true}, {"rename": {"_op": "_etl_delete"}}], "#
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "# + transforms + #""delete_when": "_op = 'D'""#)
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].transforms[1].rename: "_etl_delete" is reserved for the delete flag delete_when computes, which travels hidden through the transforms and reaches the sink as the last column; choose another name"#,
        ])
        let withoutRule = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "transforms": [{"rename": {"_op": "_etl_delete"}}]"#).1
        XCTAssertEqual(withoutRule, [], "without delete_when the name is free")
    }

    func testASQLModelEntryHasNoDeleteWhen() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: #""id": "m", "sink": "warehouse", "target": "t", "sql": "SELECT 1 AS id", "delete_when": "id = 1""#),
                                        plugins: FakePlugins.standard)
        let issues = workspace.rendered(result)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].contains(#"$.control_table[0].delete_when: a SQL model entry"#), "\(issues)")
    }
}
