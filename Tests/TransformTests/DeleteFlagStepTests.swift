import ETLArrow
@testable import ETLRuntimeCore
import Foundation
import XCTest

/// `delete_when` on the columns as the source sends them: a flag that travels hidden through the
/// transforms, row by row, and reaches merge and scd2 as the bool column `_etl_delete` last; the
/// matching rows left out for a replace; rejects for rows the expression fails on.
final class DeleteFlagStepTests: XCTestCase {
    private let rule = DeleteRule(expression: "_op = 'D'", jsonPath: "$.control_table[0].delete_when", line: 7)

    /// id int64, _op text: I, D, null, U.
    private var feed: TransformTable { TransformFixture.table([
        ("id", .int64, [.int(1), .int(2), .int(3), .int(4)]),
        ("_op", .utf8, [.text("I"), .text("D"), .null, .text("U")]),
    ]) }

    private func plan(_ rule: DeleteRule, _ handling: DeleteFlagStep.Handling, steps: [TransformStep] = [],
                      schema: ArrowSchemaDescription? = nil) throws -> TransformPlan {
        let transforms = steps.enumerated().map { ManifestTransform(step: $1, jsonPath: "$.control_table[0].transforms[\($0)]", line: 1) }
        return try TransformPlan(transforms, deleteWhen: (rule, handling), schema: schema ?? feed.schema,
                                 info: TransformRunInfo(runID: "r", startedMicros: 0))
    }

    private func mistake(_ expression: String, steps: [TransformStep] = [], schema: ArrowSchemaDescription? = nil) -> String? {
        do {
            _ = try plan(DeleteRule(expression: expression, jsonPath: rule.jsonPath, line: 7), .flag, steps: steps, schema: schema)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testMergeAndScd2LoadsGetTheFlagAsTheirLastColumn() throws {
        XCTAssertEqual(DeleteFlagStep.Handling(for: .merge), .flag)
        XCTAssertEqual(DeleteFlagStep.Handling(for: .scd2), .flag)
        let plan = try plan(rule, .flag)
        XCTAssertEqual(plan.outputSchema.fields.last, ArrowField(name: "_etl_delete", type: .bool))
        let result = plan.apply(feed)
        XCTAssertEqual(result.table.columns.last?.values, [.bool(false), .bool(true), .bool(false), .bool(false)],
                       "a null test (the third row) is not a delete")
        XCTAssertEqual(result.table.rowCount, 4)
        XCTAssertEqual(result.rejects, [])
    }

    func testTheFlagSurvivesPackingIntoAnArrowBatch() throws {
        // The kept column moves from the imported batch as it is; the flag is built beside it.
        let output = try plan(rule, .flag, steps: [.drop(columns: ["_op"])]).apply(feed.batch())
        XCTAssertEqual(output.batch.schema.fields.map(\.name), ["id", "_etl_delete"])
        XCTAssertEqual(TransformTable(output.batch).columns[0].values, [.int(1), .int(2), .int(3), .int(4)])
        XCTAssertEqual(TransformTable(output.batch).columns[1].values, [.bool(false), .bool(true), .bool(false), .bool(false)])
    }

    func testAReplaceLeavesTheMatchingRowsOut() throws {
        XCTAssertEqual(DeleteFlagStep.Handling(for: .replace), .leaveOut)
        let plan = try plan(rule, .leaveOut)
        XCTAssertEqual(plan.outputSchema.fields.map(\.name), ["id", "_op"], "no flag column for a load without deletes")
        let result = plan.apply(feed)
        XCTAssertEqual(result.table.columns[0].values, [.int(1), .int(3), .int(4)])
    }

    func testItReadsTheSourcesColumnsSoTheTransformsMayDropThem() throws {
        // Fails on the old contract, which evaluated the rule after the drop.
        let plan = try plan(rule, .flag, steps: [.drop(columns: ["_op"])])
        XCTAssertEqual(plan.outputSchema.fields.map(\.name), ["id", "_etl_delete"])
        let result = plan.apply(feed)
        XCTAssertEqual(result.table.columns.map(\.name), ["id", "_etl_delete"])
        XCTAssertEqual(result.table.columns[1].values, [.bool(false), .bool(true), .bool(false), .bool(false)])
    }

    func testAColumnTheSourceDoesNotSendIsRefusedEvenWhenATransformMakesIt() {
        let renamed = [TransformStep.rename([ColumnRename(from: "_op", to: "operation")])]
        XCTAssertEqual(mistake("operation = 'D'", steps: renamed),
                       #"$.control_table[0].delete_when: at character 1: unknown column "operation"; columns are "id", "_op" (delete_when reads the columns as the source sends them, before the transforms)"#)
    }

    func testSelectKeepsTheFlagWithoutNamingIt() throws {
        let result = try plan(rule, .flag, steps: [.select(columns: ["id"])]).apply(feed)
        XCTAssertEqual(result.table.columns.map(\.name), ["id", "_etl_delete"])
        XCTAssertEqual(result.table.columns[1].values, [.bool(false), .bool(true), .bool(false), .bool(false)])
        XCTAssertEqual(mistake("_op = 'D'", steps: [.select(columns: ["id", "_etl_delete"])]),
                       #"$.control_table[0].transforms[0].select[1]: unknown column "_etl_delete": the delete flag of delete_when travels hidden, and reaches the sink as the last column without being selected; transforms cannot name it"#)
    }

    func testAFilterKeepsEachRowsFlagWithItsRow() throws {
        let result = try plan(rule, .flag, steps: [.filter(expression: "id > 1")]).apply(feed)
        XCTAssertEqual(result.table.columns[0].values, [.int(2), .int(3), .int(4)])
        XCTAssertEqual(result.table.columns.last?.values, [.bool(true), .bool(false), .bool(false)])
    }

    func testARowATransformRejectsLeavesWithItsFlag() throws {
        let table = TransformFixture.table([
            ("id", .utf8, [.text("1"), .text("x"), .text("3")]),
            ("_op", .utf8, [.text("I"), .text("I"), .text("D")]),
        ])
        let result = try plan(rule, .flag, steps: [.cast([ColumnCast(column: "id", type: .int64)]), .drop(columns: ["_op"])],
                              schema: table.schema).apply(table)
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 2"])
        XCTAssertEqual(result.table.columns[0].values, [.int(1), .int(3)])
        XCTAssertEqual(result.table.columns[1].values, [.bool(false), .bool(true)])
    }

    func testAnExplodedRowRepeatsItsFlag() throws {
        let table = TransformFixture.table([
            ("tags", .utf8, [.text(#"["a","b"]"#), .text(#"["c"]"#), .text("not json")]),
            ("_op", .utf8, [.text("D"), .text("I"), .text("D")]),
        ])
        let result = try plan(rule, .flag, steps: [.explode(column: "tags"), .drop(columns: ["_op"])], schema: table.schema).apply(table)
        XCTAssertEqual(result.table.columns[0].values, [.text("a"), .text("b"), .text("c")])
        XCTAssertEqual(result.table.columns[1].values, [.bool(true), .bool(true), .bool(false)])
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 3"])
    }

    func testADeriveCanNeitherReadNorOverwriteTheFlag() throws {
        XCTAssertEqual(mistake("_op = 'D'", steps: [.derive([DerivedColumn(name: "_etl_delete", expression: "false")])]),
                       #"$.control_table[0].transforms[0].derive: "_etl_delete" is reserved for the delete flag delete_when computes, which travels hidden through the transforms and reaches the sink as the last column; choose another name"#)
        XCTAssertNotNil(mistake("_op = 'D'", steps: [.derive([DerivedColumn(name: "kept", expression: "not _etl_delete")])]))
        // A derive of another name leaves the flag last.
        let derived = try plan(rule, .flag, steps: [.derive([DerivedColumn(name: "twice", expression: "id * 2")])]).apply(feed)
        XCTAssertEqual(derived.table.columns.map(\.name), ["id", "_op", "twice", "_etl_delete"])
    }

    func testATypeErrorNamesTheCharacter() {
        XCTAssertEqual(mistake("_op"), "$.control_table[0].delete_when: at character 1: expected a bool expression, got text (delete_when reads the columns as the source sends them, before the transforms)")
        XCTAssertEqual(mistake("id = 'D'"), "$.control_table[0].delete_when: at character 4: cannot compare int64 with text; cast one side first (delete_when reads the columns as the source sends them, before the transforms)")
    }

    func testASourceColumnNamedLikeTheFlagMustNotReachTheSink() {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "_etl_delete", type: .bool)])
        XCTAssertEqual(mistake("_etl_delete", schema: schema),
                       #"$.control_table[0].delete_when: the source sends a column "_etl_delete", the name under which the delete flag travels to the sink; rename or drop that column in the transforms"#)
        XCTAssertNil(mistake("_etl_delete", steps: [.drop(columns: ["_etl_delete"])], schema: schema), "the rule reads it; the drop keeps it from the sink")
    }

    func testNoTransformMayNameAColumnLikeTheFlag() {
        XCTAssertEqual(mistake("_op = 'D'", steps: [.rename([ColumnRename(from: "_op", to: "_etl_delete")])]),
                       #"$.control_table[0].transforms[0].rename: "_etl_delete" is reserved for the delete flag delete_when computes, which travels hidden through the transforms and reaches the sink as the last column; choose another name"#)
        XCTAssertEqual(mistake("_op = 'D'", steps: [.metadata([MetadataColumn(kind: .runID, column: "_etl_delete")])])?.hasPrefix(
            #"$.control_table[0].transforms[0].metadata: "_etl_delete" is reserved"#), true)
    }

    func testARowTheExpressionFailsOnIsRejectedWithTheReason() throws {
        let table = TransformFixture.table([("id", .int64, [.int(1), .int(0), .int(2)])])
        for handling in [DeleteFlagStep.Handling.flag, .leaveOut] {
            let plan = try plan(DeleteRule(expression: "10 / id = 5", jsonPath: rule.jsonPath, line: 7), handling, schema: table.schema)
            let result = plan.apply(table)
            XCTAssertEqual(result.rejects.map(\.reason), ["$.control_table[0].delete_when: at character 4: division by zero (10 / 0)"])
            XCTAssertEqual(result.rejects.map(\.position), ["stream row 2"])
            // The second row left as a reject; the third (10 / 2 = 5) is a delete: flagged, or left out.
            XCTAssertEqual(result.table.columns[0].values, handling == .flag ? [.int(1), .int(2)] : [.int(1)], "\(handling)")
        }
    }

    func testAFilterThatFailsOnOneRowStillDropsTheRowsItFiltersOut() throws {
        // Before, a batch with a failing row skipped the filter for every other row of the batch.
        let table = TransformFixture.table([("id", .int64, [.int(5), .int(0), .int(1)])])
        let result = try TransformFixture.run([.filter(expression: "10 / id = 2")], on: table)
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 2"])
        XCTAssertEqual(result.table.columns[0].values, [.int(5)])
    }

    func testTheEntryStageSendsTheFlagOnlyToLoadsThatDelete() throws {
        let entry = ControlEntry(id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: .incremental, write: .merge,
                                 primaryKey: ["id"], cursorField: "id", deleteWhen: rule, jsonPath: "$.control_table[0]", line: 1)
        let merge = try EntryTransformStage(entry: entry, writeMode: .merge, schema: feed.schema, runID: "r", started: Date())
        XCTAssertEqual(merge.deleteColumn, "_etl_delete")
        XCTAssertEqual(merge.outputSchema.fields.map(\.name), ["id", "_op", "_etl_delete"])
        XCTAssertNotNil(merge.readAheadTransform, "delete_when alone needs the transform stage")
        // A full refresh of the incremental merge entry replaces the target.
        let refresh = try EntryTransformStage(entry: entry, writeMode: .replace, schema: feed.schema, runID: "r", started: Date())
        XCTAssertNil(refresh.deleteColumn)
        XCTAssertEqual(refresh.outputSchema.fields.map(\.name), ["id", "_op"])
    }

    func testTheFlagIsNoPrimaryKey() {
        let entry = ControlEntry(id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: .full, write: .merge,
                                 primaryKey: ["_etl_delete"], deleteWhen: rule, jsonPath: "$.control_table[0]", line: 1)
        XCTAssertThrowsError(try EntryTransformStage(entry: entry, writeMode: .merge, schema: feed.schema, runID: "r", started: Date())) {
            XCTAssertEqual("\($0)", #"$.control_table[0].primary_key: the transforms leave no column "_etl_delete"; primary_key names the columns the sink receives, after transforms (columns: "id", "_op")"#)
        }
    }

    func testValidateChecksTheRuleAgainstTheDeclaredColumnsOnItsOwnLine() {
        var entry = ControlEntry(id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: .full, write: .merge,
                                 primaryKey: ["id"], deleteWhen: DeleteRule(expression: "_op = 1", jsonPath: rule.jsonPath, line: 7),
                                 jsonPath: "$.control_table[0]", line: 1)
        let issue = TransformSchemaCheck.issue(entry, schema: feed.schema, file: "plugins.json")
        XCTAssertEqual(issue?.description, "plugins.json:7: $.control_table[0].delete_when: at character 5: cannot compare text with int64; cast one side first (delete_when reads the columns as the source sends them, before the transforms)")
        entry.deleteWhen?.expression = "_op = 'D'"
        XCTAssertNil(TransformSchemaCheck.issue(entry, schema: feed.schema, file: "plugins.json"))
    }
}
