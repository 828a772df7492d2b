import CETLPlugin
import ETLArrow
import XCTest

/// Release is called exactly once, by whoever holds the array last.
final class ReleaseOwnershipTests: XCTestCase {
    func testImportedBatchReleasesExactlyOnceWhenItGoesAway() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 5, into: &array)
        let spy = ReleaseSpy(wrapping: &array)
        do {
            let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
            XCTAssertNil(array.release, "the source struct is marked moved")
            assertPattern(batch, startingAt: 0)
            XCTAssertEqual(spy.calls, 0, "not released while the batch lives")
        }
        XCTAssertEqual(spy.calls, 1)
    }

    func testRefusedImportStillReleasesExactlyOnce() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 5, into: &array)
        let spy = ReleaseSpy(wrapping: &array)
        let wrongSchema = ArrowSchemaDescription(fields: [ArrowField(name: "only", type: .int64)])
        XCTAssertThrowsError(try ImportedRecordBatch(taking: &array, schema: wrongSchema))
        XCTAssertEqual(spy.calls, 1)
        XCTAssertNil(array.release)
    }

    func testExportAgainMovesOwnershipOut() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 5, into: &array)
        let spy = ReleaseSpy(wrapping: &array)
        var exported = ArrowArray()
        do {
            let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
            batch.export(to: &exported)
            XCTAssertFalse(batch.ownsArray)
        }
        XCTAssertEqual(spy.calls, 0, "the batch gave the array away, so it did not release it")
        let again = try ImportedRecordBatch(taking: &exported, schema: everyTypeSchema)
        assertPattern(again, startingAt: 0)
        withExtendedLifetime(again) {}
        _ = consume again
        XCTAssertEqual(spy.calls, 1)
    }

    func testAlreadyReleasedArrayIsRefusedOnImport() {
        var released = ArrowArray()
        XCTAssertThrowsError(try ImportedRecordBatch(taking: &released, schema: everyTypeSchema)) { error in
            XCTAssertTrue("\(error)".contains("already released"), "\(error)")
        }
    }

    func testColumnMovedOutOfAnExportedBatchOutlivesTheBatch() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "name", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try builder.append(string: "kept after the parent is gone", column: 0)
        var batch = ArrowArray()
        try builder.finish(into: &batch)
        var column = batch.children[0]!.pointee
        batch.children[0]!.pointee.release = nil
        batch.release?(&batch)
        let offsets = column.buffers[1]!.assumingMemoryBound(to: Int32.self)
        let text = String(decoding: UnsafeRawBufferPointer(start: column.buffers[2]!, count: Int(offsets[1])), as: UTF8.self)
        XCTAssertEqual(text, "kept after the parent is gone")
        column.release?(&column)
        XCTAssertNil(column.release)
    }
}
