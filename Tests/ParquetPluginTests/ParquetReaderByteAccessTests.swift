import CETLPlugin
@testable import ETLParquetFormat
import ETLArrow
import TestSupport
import XCTest

/// What the reader fetches: the footer, then only the pages of the loaded columns, a page at a
/// time, through `ParquetByteSource` (the seam an object-store reader will plug into).
final class ParquetReaderByteAccessTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    /// A local file whose reads are counted.
    private final class CountingFile: ParquetByteSource {
        let inner: LocalParquetFile
        var reads: [(offset: Int64, length: Int)] = []
        init(_ path: String) throws { inner = try LocalParquetFile(path: path) }
        var name: String { inner.name }
        var size: Int64 { inner.size }
        func read(offset: Int64, length: Int) throws(ParquetReadError) -> [UInt8] {
            reads.append((offset, length))
            return try inner.read(offset: offset, length: length)
        }
    }

    func testOnlyTheChosenColumnsPagesAreReadAPageAtATime() throws {
        let files = try ParquetFixtures.generate(#"""
        n = 200_000
        t = pa.table({"a": pa.array(range(n), pa.int64()), "b": pa.array([f"text {i}" for i in range(n)]), "c": pa.array([i / 3 for i in range(n)])})
        write("wide", t, use_dictionary=False, compression="none", data_page_size=64 * 1024, row_group_size=100_000)
        """#, in: folder)
        let file = try CountingFile(try XCTUnwrap(files["wide"]).path)
        let reader = try ParquetFileReader(file)
        let fields = reader.fields.filter { $0.name == "a" }
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: fields.map(\.arrowField)))
        var total = 0
        for index in 0..<reader.rowGroupCount {
            let group = try reader.readRowGroup(index, fields: fields)
            while group.remainingRows > 0 {
                try group.appendRows(10_000, to: builder)
                var array = ArrowArray()
                try builder.finish(into: &array)
                let batch = try ImportedRecordBatch(taking: &array, schema: builder.schema)
                XCTAssertEqual(batch.column(0).int64(0), Int64(total))
                total += batch.rowCount
            }
        }
        XCTAssertEqual(total, 200_000)
        let bytesRead = file.reads.reduce(0) { $0 + $1.length }
        XCTAssertLessThan(bytesRead, Int(file.size) / 2, "column a is about a fifth of the file: b and c are never read")
        XCTAssertLessThanOrEqual(file.reads.map(\.length).max() ?? 0, 80 * 1024, "no read is larger than a page and its header")
        XCTAssertGreaterThan(file.reads.count, 20, "the chunk's pages are fetched one by one")
    }
}
