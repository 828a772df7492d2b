import ETLArrow
@testable import ETLRuntimeCore
import Foundation
import XCTest

/// The run-time check of an entry's transforms against the stream's columns: the key and cursor
/// columns must reach the sink (validate checks the same without the columns, TransformKeyCheck).
final class EntryTransformStageTests: XCTestCase {
    private func entry(_ steps: [TransformStep], primaryKey: [String] = [], cursor: String? = nil) -> ControlEntry {
        ControlEntry(
            id: "e", source: "s", stream: "st", sink: "k", target: "t", mode: cursor == nil ? .full : .incremental,
            write: .merge, primaryKey: primaryKey, cursorField: cursor,
            transforms: steps.enumerated().map { ManifestTransform(step: $1, jsonPath: "$.control_table[0].transforms[\($0)]", line: 1) },
            jsonPath: "$.control_table[0]", line: 1)
    }

    private func stageError(_ entry: ControlEntry) -> String? {
        do {
            _ = try EntryTransformStage(entry: entry, writeMode: entry.write, schema: TransformFixture.orders.schema, runID: "r", started: Date())
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testThePrimaryKeyNamesColumnsAfterTransforms() {
        XCTAssertEqual(stageError(entry([.rename([ColumnRename(from: "id", to: "order_id")])], primaryKey: ["id"])),
                       #"$.control_table[0].primary_key: the transforms leave no column "id"; primary_key names the columns the sink receives, after transforms (columns: "order_id", "name", "amount", "day", "at")"#)
        XCTAssertNil(stageError(entry([.rename([ColumnRename(from: "id", to: "order_id")])], primaryKey: ["order_id"])))
    }

    func testTheCursorColumnMustReachTheSink() {
        XCTAssertEqual(stageError(entry([.drop(columns: ["at"])], cursor: "at")),
                       #"$.control_table[0].cursor_field: the transforms remove the cursor column "at"; an incremental entry's cursor column must reach the sink under its source name"#)
        XCTAssertNil(stageError(entry([.drop(columns: ["name"])], cursor: "at")))
        XCTAssertNil(stageError(entry([.drop(columns: ["at"])], cursor: "$offset")), "a source position is no column")
    }

    func testWithoutTransformsTheSinkGetsTheSourcesSchema() throws {
        let stage = try EntryTransformStage(entry: entry([]), writeMode: .merge, schema: TransformFixture.orders.schema, runID: "r", started: Date())
        XCTAssertEqual(stage.outputSchema, TransformFixture.orders.schema)
        XCTAssertNil(stage.readAheadTransform)
    }
}
