import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The parquet source reports its progress (ABI 1.3 `report_progress`) in bytes of the planned
/// files: files read to their end count whole, the open one by the share of its footer's rows read.
final class ParquetSourceProgressTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    func testAGlobOfTwoFilesReportsTheirSizesSplitByRowsRead() throws {
        let files = try ParquetFixtures.generate(#"""
        t = pa.table({"a": pa.array(range(1000), pa.int64()), "b": pa.array([f"value {i}" for i in range(1000)])})
        write("part-1", t, row_group_size=100)
        write("part-2", t.slice(0, 500), row_group_size=100)
        """#, in: folder)
        let first = try XCTUnwrap(files["part-1"]).path, second = try XCTUnwrap(files["part-2"]).path
        func size(_ path: String) throws -> Int64 {
            try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value)
        }
        let firstSize = try size(first), total = try firstSize + size(second)
        let source = try ParquetTestSource.make(["path": folder.file("part-*.parquet")])
        let stream = try XCTUnwrap(try source.discover().first?.name)
        let read = try source.read(ParquetTestSource.request(stream: stream, batchSize: 250))
        var reports: [SourceInputProgress] = []
        var rows = 0
        while let batch = try read.stream.next() {
            rows += batch.rowCount
            reports.append(try XCTUnwrap(source.context.reportedProgress))
        }
        XCTAssertEqual(rows, 1500)
        XCTAssertEqual(Set(reports.map(\.total)), [total])
        let done = reports.map(\.done)
        XCTAssertEqual(done, done.sorted(), "\(done)")
        // 250 of the first file's 1000 rows: a quarter of its size.
        XCTAssertEqual(done.first, firstSize / 4)
        XCTAssertTrue(done.contains { $0 > firstSize && $0 < total }, "seen within the second file: \(done)")
        XCTAssertEqual(done.last, total)
    }
}
