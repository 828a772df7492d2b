import ETLArrow
@testable import ETLRuntimeCore
import Foundation
import XCTest

/// `metadata`'s `source_position`: the `_etl_position` column the source sent (last, unseen by
/// the steps) reaches the sink under the chosen name, following each row through filters and
/// explodes; rejects of a transform name the source's position too.
final class SourcePositionStepTests: XCTestCase {
    /// id, tags (JSON arrays) and the source's positions, as a csv source sends them when asked.
    private let batch = TransformFixture.table([
        ("id", .int64, [.int(1), .int(2), .int(3)]),
        ("tags", .utf8, [.text(#"["a","b"]"#), .text(#"["c"]"#), .text("[]")]),
        ("_etl_position", .utf8, [.text("data.csv:2"), .text("data.csv:3"), .text("data.csv:5")]),
    ])

    private func run(_ steps: [TransformStep]) throws -> (table: TransformTable, rejects: [SourceReject]) {
        let transforms = steps.enumerated().map { ManifestTransform(step: $1, jsonPath: "$.control_table[0].transforms[\($0)]", line: 1) }
        var columns = batch.schema
        columns.fields.removeLast()
        let plan = try TransformPlan(transforms, schema: columns, info: TransformRunInfo(runID: "r", startedMicros: 0), positionsArrive: true)
        let result = plan.apply(batch)
        XCTAssertEqual(result.table.schema.fields.map(\.name), plan.outputSchema.fields.map(\.name))
        return result
    }

    private func texts(_ table: TransformTable, _ name: String) -> [String?] {
        table.columns.first { $0.name == name }?.values.map(\.text) ?? []
    }

    private let position = TransformStep.metadata([MetadataColumn(kind: .sourcePosition, column: "_source_position")])

    func testThePositionReachesTheSinkUnderTheChosenNameWhateverTheStepsBefore() throws {
        // `select` lists only id: the source's position column is not one the steps see or drop.
        let result = try run([.select(columns: ["id"]), position])
        XCTAssertEqual(result.table.schema.fields.map(\.name), ["id", "_source_position"])
        XCTAssertEqual(result.table.schema.fields.last?.type, .utf8)
        XCTAssertEqual(texts(result.table, "_source_position"), ["data.csv:2", "data.csv:3", "data.csv:5"])
    }

    func testExplodedRowsRepeatTheirSourceRowsPositionAndFilteredRowsDisappear() throws {
        let result = try run([.filter(expression: "id <> 2"), .explode(column: "tags"), position])
        XCTAssertEqual(texts(result.table, "tags"), ["a", "b", nil])
        XCTAssertEqual(texts(result.table, "_source_position"), ["data.csv:2", "data.csv:2", "data.csv:5"])
    }

    func testWithoutSourcePositionTheColumnGoesNowhere() throws {
        let result = try run([.metadata([MetadataColumn(kind: .runID, column: "_run_id")])])
        XCTAssertEqual(result.table.schema.fields.map(\.name), ["id", "tags", "_run_id"])
    }

    func testARowATransformRejectsIsNamedByItsSourcePosition() throws {
        let result = try run([.cast([ColumnCast(column: "tags", type: .int64)]), position])
        XCTAssertEqual(result.rejects.map(\.position), ["data.csv:2", "data.csv:3", "data.csv:5"])
        XCTAssertEqual(result.rejects[0].raw, #"{"id":"1","tags":"[\"a\",\"b\"]"}"#, "the raw row leaves the position out")
    }

    func testTheStageTakesThePositionColumnOffTheStreamsSchema() throws {
        let entry = ControlEntry(
            id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: .full, write: .replace,
            transforms: [ManifestTransform(step: position, jsonPath: "$.control_table[0].transforms[0]", line: 1)],
            jsonPath: "$.control_table[0]", line: 1)
        let stage = try EntryTransformStage(entry: entry, writeMode: .replace, schema: batch.schema, runID: "r", started: Date())
        XCTAssertEqual(stage.outputSchema.fields.map(\.name), ["id", "tags", "_source_position"])
        XCTAssertTrue(entry.asksSourcePositions)
        XCTAssertTrue(ReadRequest.forEntry(entry, startState: nil, fullRefresh: false).asksPositions)
    }

    func testOnlyAnEntryLoadingSourcePositionAsksForThem() {
        let entry = ControlEntry(
            id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: .full, write: .replace,
            transforms: [ManifestTransform(step: .metadata([MetadataColumn(kind: .loadedAt, column: "_loaded_at")]),
                                           jsonPath: "$.control_table[0].transforms[0]", line: 1)],
            jsonPath: "$.control_table[0]", line: 1)
        XCTAssertFalse(entry.asksSourcePositions)
        let request = ReadRequest.forEntry(entry, startState: nil, fullRefresh: false)
        XCTAssertFalse(request.asksPositions)
        XCTAssertFalse(request.optionsJSON?.contains("positions") ?? false)
    }
}
