import ETLArrow
@testable import ETLRuntimeCore
import XCTest

/// Each transform on a small batch: what it does, and the mistakes it refuses before any row is read.
final class TransformStepTests: XCTestCase {
    private let orders = TransformFixture.orders

    private func names(_ table: TransformTable) -> [String] { table.columns.map(\.name) }

    func testSelectKeepsColumnsInTheGivenOrderAndDropRemovesThem() throws {
        XCTAssertEqual(names(try TransformFixture.run([.select(columns: ["name", "id"])], on: orders).table), ["name", "id"])
        XCTAssertEqual(names(try TransformFixture.run([.drop(columns: ["amount", "at"])], on: orders).table), ["id", "name", "day"])
        XCTAssertEqual(TransformFixture.mistake([.select(columns: ["id", "nmae"])], on: orders),
                       "$.control_table[0].transforms[0].select[1]: unknown column \"nmae\" (did you mean \"name\"?)")
        XCTAssertEqual(TransformFixture.mistake([.drop(columns: ["zzz"])], on: orders),
                       "$.control_table[0].transforms[0].drop[0]: unknown column \"zzz\"; the columns here are \"id\", \"name\", \"amount\", \"day\", \"at\"")
    }

    func testRenameChangesNamesAndRefusesDuplicates() throws {
        let renamed = try TransformFixture.run([.rename([ColumnRename(from: "name", to: "nome"), ColumnRename(from: "id", to: "codigo")])], on: orders)
        XCTAssertEqual(names(renamed.table), ["codigo", "nome", "amount", "day", "at"])
        XCTAssertEqual(TransformFixture.mistake([.rename([ColumnRename(from: "name", to: "id")])], on: orders),
                       "$.control_table[0].transforms[0].rename: two columns would be named \"id\"; rename or drop one of them")
        XCTAssertEqual(TransformFixture.mistake([.rename([ColumnRename(from: "Name", to: "n")])], on: orders),
                       "$.control_table[0].transforms[0].rename.Name: unknown column \"Name\" (did you mean \"name\"?)")
    }

    func testAJSONColumnStaysJSONThroughSelectAndRenameButNotThroughACastOrADerivation() throws {
        var doc = TransformColumn(name: "doc", type: .utf8, values: [.text("{\"n\": 1}")])
        doc.extensionName = ArrowField.jsonExtension
        let table = TransformTable(columns: [doc, TransformColumn(name: "other", type: .utf8, values: [.text("{}")])], rowCount: 1)
        let steps: [TransformStep] = [.select(columns: ["other", "doc"]), .rename([ColumnRename(from: "doc", to: "payload")])]
        let plan = try TransformPlan(steps.enumerated().map { ManifestTransform(step: $1, jsonPath: "$.t[\($0)]", line: 1) },
                                     schema: table.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        let renamed = plan.apply(table).table
        XCTAssertEqual(renamed.schema.fields.map(\.isJSON), [false, true])
        XCTAssertEqual(plan.outputSchema, renamed.schema, "the load request declares what the batches carry")
        let cast = try TransformFixture.run([.cast([ColumnCast(column: "payload", type: .int64)])], on: renamed).table
        XCTAssertNil(cast.columns[1].extensionName)
        let derived = try TransformFixture.run([.derive([DerivedColumn(name: "payload", expression: "other")])], on: renamed).table
        XCTAssertEqual(derived.schema.fields.map(\.isJSON), [false, false], "new values replace the JSON ones")
    }

    func testTrimAndNullValuesWorkOnTextColumns() throws {
        let raw = TransformFixture.table([("a", .utf8, [.text(" x "), .text("?"), .text("")]), ("n", .int64, [.int(1), .int(2), .int(3)])])
        let trimmed = try TransformFixture.run([.trim(.allColumns), .nullValues(.allColumns(["?", ""]))], on: raw).table
        XCTAssertEqual(trimmed.columns[0].values, [.text("x"), .null, .null])
        XCTAssertEqual(trimmed.columns[1].values, [.int(1), .int(2), .int(3)])
        let perColumn = try TransformFixture.run([.nullValues(.perColumn([ColumnNullValues(column: "a", values: ["?"])]))], on: raw).table
        XCTAssertEqual(perColumn.columns[0].values, [.text(" x "), .null, .text("")])
        XCTAssertEqual(TransformFixture.mistake([.trim(.columns(["n"]))], on: raw),
                       "$.control_table[0].transforms[0].trim[0]: trim works on text, but \"n\" is int64; place it before the cast that changed the column")
    }

    func testMapTranslatesValuesWithAnOptionalDefault() throws {
        let status = TransformFixture.table([("s", .utf8, [.text("A"), .text("C"), .text("X"), .null])])
        let kept = try TransformFixture.run([.map([ColumnValueMap(column: "s", mappings: [ValueMapping(from: "A", to: "active"), ValueMapping(from: "C", to: "closed")])])], on: status).table
        XCTAssertEqual(kept.columns[0].values, [.text("active"), .text("closed"), .text("X"), .null])
        let defaulted = try TransformFixture.run([.map([ColumnValueMap(column: "s", mappings: [ValueMapping(from: "A", to: 1), ValueMapping(from: "C", to: 0)], defaultValue: -1)])], on: status).table
        XCTAssertEqual(defaulted.columns[0].type, .int64)
        XCTAssertEqual(defaulted.columns[0].values, [.int(1), .int(0), .int(-1), .int(-1)])
        XCTAssertEqual(TransformFixture.mistake([.map([ColumnValueMap(column: "s", mappings: [ValueMapping(from: "A", to: 1)])])], on: status),
                       "$.control_table[0].transforms[0].map.s: the replacements are int64 but \"s\" is text, so values not listed could not stay as they are; add \"default\" ({\"values\": {...}, \"default\": ...}) or cast the column first")
        XCTAssertEqual(TransformFixture.mistake([.map([ColumnValueMap(column: "s", mappings: [ValueMapping(from: "A", to: 1), ValueMapping(from: "B", to: "b")])])], on: status),
                       "$.control_table[0].transforms[0].map.s: the replacements mixes int64 and text; cast them to one type (all replacements of a column need one type: all texts, all numbers or all booleans)")
    }

    func testDeriveAddsOrReplacesColumnsInOrder() throws {
        let result = try TransformFixture.run([.derive([
            DerivedColumn(name: "total", expression: "amount * 2"), DerivedColumn(name: "id", expression: "id * 100"),
            DerivedColumn(name: "label", expression: "concat(id, ':', total)"),
        ])], on: orders).table
        XCTAssertEqual(names(result), ["id", "name", "amount", "day", "at", "total", "label"])
        XCTAssertEqual(result.columns[0].values, [.int(100), .int(200), .int(300)])
        XCTAssertEqual(result.columns[6].values, [.text("100:21"), .text("200:4"), .text("300:")])
    }

    func testFilterKeepsRowsWhereTheConditionIsTrueAndDropsTheRestWithoutRejecting() throws {
        let result = try TransformFixture.run([.filter(expression: "amount > 5 or name is null")], on: orders)
        XCTAssertEqual(result.table.columns[0].values, [.int(1), .int(3)])
        XCTAssertEqual(result.rejects, [])
        let none = try TransformFixture.run([.filter(expression: "false"), .derive([DerivedColumn(name: "x", expression: "id + 1")])], on: orders)
        XCTAssertEqual(none.table.rowCount, 0)
    }

    func testMetadataAddsTheRunsStartAndID() throws {
        let result = try TransformFixture.run([.metadata([MetadataColumn(kind: .loadedAt, column: "_loaded_at"), MetadataColumn(kind: .runID, column: "_run_id")])], on: orders).table
        XCTAssertEqual(result.columns[5].type, .timestampMicrosecondsUTC)
        XCTAssertEqual(result.columns[5].values, Array(repeating: .timestamp(TransformFixture.started), count: 3))
        XCTAssertEqual(result.columns[6].values, Array(repeating: .text("run-1"), count: 3))
        XCTAssertEqual(TransformFixture.mistake([.metadata([MetadataColumn(kind: .runID, column: "id")])], on: orders),
                       "$.control_table[0].transforms[0].metadata.run_id: the batch already has a column \"id\"; choose another name")
    }

    func testAReturnedBatchHasTheOutputSchemaEvenWhenEveryRowIsFiltered() throws {
        let transforms = [
            ManifestTransform(step: .filter(expression: "id > 10"), jsonPath: "$.t[0]", line: 1),
            ManifestTransform(step: .derive([DerivedColumn(name: "twice", expression: "id * 2")]), jsonPath: "$.t[1]", line: 1),
        ]
        let plan = try TransformPlan(transforms, schema: orders.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        XCTAssertEqual(plan.outputSchema.fields.map(\.name), ["id", "name", "amount", "day", "at", "twice"])
        let output = try plan.apply(orders.batch())
        XCTAssertEqual(output.batch.rowCount, 0)
        XCTAssertEqual(output.batch.schema, plan.outputSchema)
    }

    func testABatchRoundTripsThroughArrowWithEveryType() throws {
        let plan = try TransformPlan([], schema: orders.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        let batch = try plan.apply(orders.batch()).batch
        XCTAssertEqual(TransformTable(batch).columns.map(\.values), orders.columns.map(\.values))
    }

    func testExplodeMakesOneRowPerArrayElementAndRejectsTextThatIsNotAnArray() throws {
        let orders = TransformFixture.table([
            ("order", .int64, [.int(1), .int(2), .int(3), .int(4), .int(5)]),
            ("items", .utf8, [.text(#"[{"sku": "a"}, {"sku": "b"}]"#), .text("[]"), .null, .text("{}"), .text(#"[{"sku": 7}, 2.5]"#)]),
        ])
        let result = try TransformFixture.run([
            .explode(column: "items"), .derive([DerivedColumn(name: "sku", expression: "json_get(items, '$.sku')")]),
        ], on: orders)
        XCTAssertEqual(result.table.columns[0].values, [.int(1), .int(1), .int(2), .int(3), .int(5), .int(5)])
        XCTAssertEqual(result.table.columns[1].values, [.text(#"{"sku":"a"}"#), .text(#"{"sku":"b"}"#), .null, .null, .text(#"{"sku":7}"#), .text("2.5")])
        XCTAssertEqual(result.table.columns[2].values, [.text("a"), .text("b"), .null, .null, .text("7"), .null])
        XCTAssertEqual(result.rejects.map(\.reason), [#"$.control_table[0].transforms[0].explode: "{}" is not a JSON array"#])
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 4"])
    }

    func testARowRejectedAfterExplodeIsNamedByItsSourceRow() throws {
        let table = TransformFixture.table([("n", .utf8, [.text("[1]"), .text(#"[2, "x"]"#)])])
        let result = try TransformFixture.run([.explode(column: "n"), .cast([ColumnCast(column: "n", type: .int64)])], on: table)
        XCTAssertEqual(result.table.columns[0].values, [.int(1), .int(2)])
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 2"])
        XCTAssertEqual(result.rejects.map(\.raw), [#"{"n":"[2, \"x\"]"}"#])
    }

    func testColumnsNoStepTouchesAreCopiedFromTheImportedBatchWithTheRowsThatRemain() throws {
        let transforms = [
            ManifestTransform(step: .filter(expression: "id <> 2"), jsonPath: "$.t[0]", line: 1),
            // amount 10.5 (row 1) cannot become an int64; 2.0 (row 2) could but row 2 is gone.
            ManifestTransform(step: .rename([ColumnRename(from: "name", to: "who")]), jsonPath: "$.t[1]", line: 1),
            ManifestTransform(step: .cast([ColumnCast(column: "amount", type: .int64)]), jsonPath: "$.t[2]", line: 1),
        ]
        let plan = try TransformPlan(transforms, schema: orders.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        let output = try plan.apply(orders.batch())
        XCTAssertEqual(output.batch.schema.fields.map(\.name), ["id", "who", "amount", "day", "at"])
        let table = TransformTable(output.batch)
        // Row 1's 10.5 is not a whole number (rejected), row 2 is filtered out: row 3 remains.
        XCTAssertEqual(table.columns.map(\.values), [[.int(3)], [.null], [.null], [.null], [.null]])
        XCTAssertEqual(output.rejects.map(\.position), ["stream row 1"])
    }

    func testUnchangedColumnsMoveIntoTheOutputBesideBuiltOnes() throws {
        let transforms = [
            ManifestTransform(step: .select(columns: ["at", "id", "name", "id"]), jsonPath: "$.t[0]", line: 1),
            ManifestTransform(step: .rename([ColumnRename(from: "at", to: "when")]), jsonPath: "$.t[1]", line: 1),
            ManifestTransform(step: .derive([DerivedColumn(name: "name", expression: "upper(name)")]), jsonPath: "$.t[2]", line: 1),
        ]
        XCTAssertNotNil(TransformFixture.mistake(transforms.map(\.step), on: orders), "a column selected twice is named twice")
        let distinct = [transforms[0].with(step: .select(columns: ["at", "id", "name"])), transforms[1], transforms[2]]
        let plan = try TransformPlan(distinct, schema: orders.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        let output = try plan.apply(orders.batch())
        XCTAssertEqual(TransformTable(output.batch).columns.map(\.values), [
            [.timestamp(TransformFixture.started), .timestamp(0), .null], [.int(1), .int(2), .int(3)], [.text(" ANA "), .text("BOB"), .null],
        ])
    }
}

final class ColumnTakeTests: XCTestCase {
    func testTheRowsAFilterLeavesAreGatheredForEveryType() throws {
        let table = TransformFixture.table([
            ("keep", .bool, [.bool(true), .bool(false), .bool(true), .null, .bool(true)]),
            ("d", .double, [.double(1.5), .double(2), .null, .double(4), .double(-0.0)]),
            ("b", .binary, [.bytes([1, 2]), .bytes([]), .null, .bytes([3]), .bytes([255])]),
            ("t", .utf8, [.text("é"), .text(""), .null, .text("x"), .text("")]),
        ])
        let plan = try TransformPlan([ManifestTransform(step: .filter(expression: "keep"), jsonPath: "$.t[0]", line: 1)],
                                     schema: table.schema, info: TransformRunInfo(runID: "r", startedMicros: 0))
        let output = try plan.apply(table.batch())
        XCTAssertEqual(TransformTable(output.batch).columns.map(\.values), [
            [.bool(true), .bool(true), .bool(true)], [.double(1.5), .null, .double(-0.0)],
            [.bytes([1, 2]), .null, .bytes([255])], [.text("é"), .null, .text("")],
        ])
    }
}

extension ManifestTransform {
    func with(step: TransformStep) -> ManifestTransform { ManifestTransform(step: step, jsonPath: jsonPath, line: line) }
}
