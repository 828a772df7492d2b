import CETLPlugin
import ETLArrow
import XCTest

/// Slices made with the `offset` fields, at batch (struct) level and column level.
final class ImportOffsetTests: XCTestCase {
    func testStructOffsetSlicesEveryColumn() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 30, into: &array)
        // Rows 11..<28 of the batch, as a consumer slicing the struct would export them.
        array.offset = 11
        array.length = 17
        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 17)
        assertPattern(batch, startingAt: 11)
    }

    func testChildOffsetsSliceTheirOwnColumn() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 30, into: &array)
        // Every column sliced by 5 on its own: logical row 0 is pattern row 5.
        for index in 0..<Int(array.n_children) {
            array.children[index]!.pointee.offset = 5
            array.children[index]!.pointee.length = 25
        }
        array.length = 25
        array.null_count = -1
        for index in 0..<Int(array.n_children) { array.children[index]!.pointee.null_count = -1 }
        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        assertPattern(batch, startingAt: 5)
    }

    func testStructAndChildOffsetsAdd() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 40, into: &array)
        for index in 0..<Int(array.n_children) {
            array.children[index]!.pointee.offset = 3
            array.children[index]!.pointee.length = 37
        }
        array.offset = 9
        array.length = 20
        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        assertPattern(batch, startingAt: 12)
    }

    func testColumnShorterThanTheSliceIsRefused() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 10, into: &array)
        array.offset = 4
        // 4 + 10 rows would read past every column's 10 values.
        XCTAssertThrowsError(try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)) { error in
            XCTAssertTrue("\(error)".contains("column 0 (\"flag\", bool) has 10 values but the batch needs 14"), "\(error)")
        }
        XCTAssertNil(array.release, "the array was taken even though it was refused")
    }
}
