import ETLRuntimeCore
import XCTest

/// The transform syntax added with the transform engine: drop, map defaults, number marks, epoch
/// formats, and what `validate` refuses without reading data (expression syntax, removed keys).
final class TransformManifestTests: XCTestCase {
    private func load(_ fields: String) throws -> (issues: [String], transforms: [TransformStep]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + ", " + fields))
        return (workspace.rendered(result), result.manifest?.controlTable.first?.transforms.map(\.step) ?? [])
    }

    func testNewStepsAndOptionsAreTyped() throws {
        let loaded = try load(#"""
            "mode": "full", "transforms": [
              {"drop": ["tmp"]},
              {"cast": {"valor": {"type": "double", "decimal": ",", "thousands": "."}, "at": {"type": "timestamp", "format": "epoch_ms"}}},
              {"map": {"status": {"values": {"A": "active"}, "default": "other"}}},
              {"explode": "tags"}
            ]
            """#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.transforms, [
            .drop(columns: ["tmp"]),
            .cast([
                ColumnCast(column: "valor", type: .double, decimalMark: ",", thousandsSeparator: "."),
                ColumnCast(column: "at", type: .timestamp, format: "epoch_ms"),
            ]),
            .map([ColumnValueMap(column: "status", mappings: [ValueMapping(from: "A", to: "active")], defaultValue: "other")]),
            .explode(column: "tags"),
        ])
    }

    func testExpressionSyntaxErrorsNameTheCharacter() throws {
        XCTAssertEqual(try load(#""mode": "full", "transforms": [{"derive": {"total": "amount * (1 + tax"}}, {"filter": "a >"}]"#).issues, [
            #"plugins.json:6: $.control_table[0].transforms[0].derive.total: at character 18: expected ")" to close the parenthesis opened at character 10, got the end of the expression"#,
            #"plugins.json:6: $.control_table[0].transforms[1].filter: at character 4: expected a column, a literal, a function call or "(", got the end of the expression"#,
        ])
    }

    func testNumberMarksNeedANumberTypeAndDiffer() throws {
        XCTAssertEqual(try load(#""mode": "full", "transforms": [{"cast": {"d": {"type": "date", "decimal": ","}, "v": {"type": "double", "decimal": ",", "thousands": ","}, "w": {"type": "double", "decimal": ",,"}}}]"#).issues, [
            #"plugins.json:6: $.control_table[0].transforms[0].cast.d: "decimal" and "thousands" apply only to "int64", "double" and "decimal" casts"#,
            #"plugins.json:6: $.control_table[0].transforms[0].cast.v.thousands: the thousands separator cannot also be the decimal mark ",""#,
            #"plugins.json:6: $.control_table[0].transforms[0].cast.w.decimal: expected one character, such as "," or ".""#,
        ])
    }

    func testTransformsMayNotRemoveTheCursorOrAKeyColumn() throws {
        let incremental = #""mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "updated_at""#
        XCTAssertEqual(try load(incremental + #", "transforms": [{"rename": {"updated_at": "changed"}}, {"drop": ["id"]}]"#).issues, [
            #"plugins.json:6: $.control_table[0].transforms[0].rename: rename changes the cursor column "updated_at"; an incremental entry's cursor_field must reach the sink unchanged under its source name"#,
            #"plugins.json:6: $.control_table[0].transforms[1].drop: drop removes the primary key column "id"; primary_key names the columns the sink receives after transforms, so keep "id" or list the new name in primary_key"#,
        ])
        // A key renamed and named by its new name is fine.
        let renamed = #""mode": "incremental", "write": "merge", "primary_key": ["task_id"], "cursor_field": "updated_at""#
        XCTAssertEqual(try load(renamed + #", "transforms": [{"rename": {"id": "task_id"}}, {"select": ["task_id", "updated_at"]}]"#).issues, [])
    }

    func testAnExpressionHoldingASecretIsNotQuotedInItsError() throws {
        let workspace = try ManifestWorkspace()
        let text = manifest(entry: commonEntryFields + #", "mode": "full", "transforms": [{"filter": "token = ${API_TOKEN} x"}]"#)
        let issues = workspace.rendered(try workspace.load(text, environment: ["API_TOKEN": "'hunter2'"]))
        XCTAssertEqual(issues, [
            "plugins.json:6: $.control_table[0].transforms[0].filter: at character 19: the expression does not parse (it holds a secret variable's value, so it is not shown)",
        ])
    }
}
