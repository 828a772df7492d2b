import CETLPlugin
import ETLArrow
import XCTest

/// The views for loops over many rows (`nullTest`, `variableWidthValues`, `int64Values`,
/// `doubleValues`, `date32Values`) answer as the per-row accessors do, with every slicing of
/// a batch applied.
final class ImportedColumnBulkAccessTests: XCTestCase {
    private func assertViewsAgree(_ batch: ImportedRecordBatch, file: StaticString = #filePath, line: UInt = #line) {
        for index in 0..<batch.schema.fields.count {
            let column = batch.column(index)
            let nulls = column.nullTest
            for row in 0..<batch.rowCount {
                XCTAssertEqual(nulls.isNull(row), column.isNull(row), "column \(index) row \(row)", file: file, line: line)
                guard !column.isNull(row) else { continue }
                switch column.type {
                case .utf8, .binary:
                    let values = column.variableWidthValues
                    XCTAssertEqual(Array(values.bytes(row)), Array(column.bytes(row)), "column \(index) row \(row)", file: file, line: line)
                    XCTAssertEqual(values.length(row), column.bytes(row).count, file: file, line: line)
                case .int64:
                    XCTAssertEqual(column.int64Values[row], column.int64(row), file: file, line: line)
                case .timestampMicrosecondsUTC:
                    XCTAssertEqual(column.int64Values[row], column.timestampMicroseconds(row), file: file, line: line)
                case .double:
                    XCTAssertEqual(column.doubleValues[row], column.double(row), file: file, line: line)
                case .date32:
                    XCTAssertEqual(column.date32Values[row], column.date32(row), file: file, line: line)
                default:
                    break
                }
            }
        }
    }

    func testTheViewsReadWhatTheAccessorsReadInWholeAndSlicedBatches() throws {
        for (structOffset, childOffset) in [(0, 0), (11, 0), (0, 5), (9, 3)] {
            var array = ArrowArray()
            try buildPatternArray(rows: 40, into: &array)
            for index in 0..<Int(array.n_children) where childOffset > 0 {
                array.children[index]!.pointee.offset = Int64(childOffset)
                array.children[index]!.pointee.length = Int64(40 - childOffset)
                array.children[index]!.pointee.null_count = -1
            }
            array.offset = Int64(structOffset)
            array.length = Int64(40 - structOffset - childOffset)
            array.null_count = -1
            let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
            assertPattern(batch, startingAt: structOffset + childOffset)
            assertViewsAgree(batch)
        }
    }

    func testNullRowsOfTheBatchAndOffsetsNotStartingAtZeroAreSeen() throws {
        let foreign = ForeignBatch()
        let batch = try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)
        assertViewsAgree(batch)
        XCTAssertTrue(batch.column(1).nullTest.isNull(3), "the struct's own bitmap makes row 3 null")
        XCTAssertEqual(String(decoding: batch.column(1).variableWidthValues.bytes(1), as: UTF8.self), "three")
    }
}
