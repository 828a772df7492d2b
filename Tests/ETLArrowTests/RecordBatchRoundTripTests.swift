import CETLPlugin
import ETLArrow
import XCTest

/// Build → finish → import → read back, for every type, with nulls.
final class RecordBatchRoundTripTests: XCTestCase {
    func testEveryTypeWithNullsRoundTrips() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 50, into: &array)
        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 50)
        assertPattern(batch, startingAt: 0)
    }

    func testExportedArraysFollowTheCDataInterfaceLayout() throws {
        var array = ArrowArray()
        try buildPatternArray(rows: 10, into: &array)
        defer { array.release?(&array) }
        XCTAssertEqual(array.length, 10)
        XCTAssertEqual(array.n_buffers, 1, "a struct array has one buffer (validity)")
        XCTAssertEqual(array.n_children, 8)
        XCTAssertEqual(array.null_count, 0)
        XCTAssertNil(array.buffers[0], "no struct-level nulls, so no struct validity bitmap")
        let expectedBuffers: [Int64] = [2, 2, 2, 3, 3, 2, 2, 0]
        for index in 0..<8 {
            let child = array.children[index]!.pointee
            XCTAssertEqual(child.n_buffers, expectedBuffers[index], "buffers of column \(index)")
            XCTAssertEqual(child.length, 10)
            XCTAssertEqual(child.offset, 0)
            XCTAssertNotNil(child.release)
        }
        let nullColumn = array.children[7]!.pointee
        XCTAssertEqual(nullColumn.null_count, 10, "every value of a null column is null")
        let ints = array.children[1]!.pointee
        XCTAssertEqual(ints.null_count, 3, "rows 1, 4, 7 are null")
        let validity = ints.buffers[0]!.assumingMemoryBound(to: UInt8.self)
        XCTAssertEqual(validity[0], 0b0110_1101, "bit i of byte 0 is row i (LSB first); rows 1, 4 and 7 are cleared")
        for buffer in 0..<Int(ints.n_buffers) {
            XCTAssertEqual(Int(bitPattern: ints.buffers[buffer]) % 64, 0, "buffer \(buffer) is 64-byte aligned")
        }
        let text = array.children[3]!.pointee
        let offsets = text.buffers[1]!.assumingMemoryBound(to: Int32.self)
        XCTAssertEqual(offsets[0], 0, "offsets start at 0 and have length + 1 entries")
        XCTAssertEqual(Int(offsets[10]), (0..<10).filter { $0 % 3 != 1 }.map { patternText($0).utf8.count }.reduce(0, +))
    }

    func testColumnWithoutNullsExportsNoValidityBitmap() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64, nullable: false)])
        let builder = RecordBatchBuilder(schema: schema)
        for value in 0..<5 { try builder.append(int64: Int64(value), column: 0) }
        var array = ArrowArray()
        try builder.finish(into: &array)
        defer { array.release?(&array) }
        XCTAssertEqual(array.children[0]!.pointee.null_count, 0)
        XCTAssertNil(array.children[0]!.pointee.buffers[0])
    }

    func testNullAfterManyValuesMarksEarlierValuesValid() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "flag", type: .bool)])
        let builder = RecordBatchBuilder(schema: schema)
        // 13 values first, so the bitmap starts mid-byte, then a null, then values.
        for row in 0..<13 { try builder.append(bool: row % 2 == 0, column: 0) }
        try builder.appendNull(column: 0)
        for row in 14..<20 { try builder.append(bool: row % 2 == 0, column: 0) }
        var array = ArrowArray()
        try builder.finish(into: &array)
        let batch = try ImportedRecordBatch(taking: &array, schema: schema)
        for row in 0..<20 {
            XCTAssertEqual(batch.column(0).isNull(row), row == 13, "row \(row)")
            if row != 13 { XCTAssertEqual(batch.column(0).bool(row), row % 2 == 0, "row \(row)") }
        }
    }

    func testFinishEmptiesTheBuilderForTheNextBatch() throws {
        let builder = RecordBatchBuilder(schema: everyTypeSchema, capacity: 8)
        for row in 0..<8 { try appendPatternRow(row, to: builder) }
        var first = ArrowArray()
        try builder.finish(into: &first)
        XCTAssertEqual(builder.rowCount, 0)
        XCTAssertEqual(builder.byteSize, 4 * 2, "only the leading zero offsets of the two variable-length columns remain")
        for row in 8..<20 { try appendPatternRow(row, to: builder) }
        var second = ArrowArray()
        try builder.finish(into: &second)
        let firstBatch = try ImportedRecordBatch(taking: &first, schema: everyTypeSchema)
        let secondBatch = try ImportedRecordBatch(taking: &second, schema: everyTypeSchema)
        XCTAssertEqual(firstBatch.rowCount, 8)
        XCTAssertEqual(secondBatch.rowCount, 12)
        assertPattern(firstBatch, startingAt: 0)
        assertPattern(secondBatch, startingAt: 8)
    }

    func testEmptyBatchHasZeroRowsAndValidBuffers() throws {
        let builder = RecordBatchBuilder(schema: everyTypeSchema)
        var array = ArrowArray()
        try builder.finish(into: &array)
        XCTAssertEqual(array.length, 0)
        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 0)
    }

    func testRowCountIsTheShortestColumn() throws {
        let builder = RecordBatchBuilder(schema: everyTypeSchema)
        try appendPatternRow(0, to: builder)
        try builder.append(int64: 1, column: 1)
        XCTAssertEqual(builder.rowCount, 1)
    }

    func testByteSizeCountsValuesTextAndBitmaps() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try builder.append(int64: 1, column: 0)
        try builder.append(string: "abc", column: 1)
        try builder.appendNull(column: 0)
        try builder.append(string: "de", column: 1)
        // int64: 16 bytes + 1 bitmap byte; utf8: 3 offsets (12 bytes) + 5 text bytes.
        XCTAssertEqual(builder.byteSize, 16 + 1 + 12 + 5)
    }
}
