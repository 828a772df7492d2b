import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The csv source tells the host how much of its input a read has consumed (ABI 1.3
/// `report_progress`), in bytes of the files as stored: the sum of the sizes of the files the read
/// visits (less where an incremental read resumes), compressed bytes for compressed files, and
/// for an http(s) file the length its response announces.
final class CSVProgressTests: XCTestCase {
    private let files = CSVFixture()

    /// What the source had reported after each batch of a read of `stream`, and its last checkpoint.
    private func progress(_ source: SourceInstance, stream: String, state: String? = nil, cursor: String? = nil,
                          batchSize: Int64 = 1000) throws -> (reports: [SourceInputProgress], rows: Int, checkpoint: String?) {
        let read = try source.read(ReadRequest(entryID: "test_entry", stream: stream, stateJSON: state, cursorField: cursor, batchSize: batchSize))
        var reports: [SourceInputProgress] = []
        var rows = 0
        var checkpoint: String?
        while let batch = try read.stream.next() {
            rows += batch.rowCount
            reports.append(try XCTUnwrap(source.context.reportedProgress, "no progress after batch \(reports.count + 1)"))
            if cursor != nil { checkpoint = try source.checkpoint() }
        }
        return (reports, rows, checkpoint)
    }

    private func numbers(_ range: Range<Int>) -> String {
        range.map { "\($0),\(($0 &* 2_654_435_761) % 1_000_000_007)\n" }.joined()
    }

    private func size(_ path: String) throws -> Int64 {
        try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value)
    }

    func testAGlobOfTwoFilesReportsBytesOfBothFilesRisingToTheirSum() throws {
        let first = try files.write("part-1.csv", "id,value\n" + numbers(0..<3000))
        let second = try files.write("part-2.csv", "id,value\n" + numbers(3000..<5000))
        let firstSize = try size(first)
        let total = try firstSize + size(second)
        let source = try CSVTestSource.make(["path": files.path("part-*.csv")])
        let stream = try XCTUnwrap(try source.discover().first?.name)
        let read = try progress(source, stream: stream, batchSize: 1000)
        XCTAssertEqual(read.rows, 5000)
        XCTAssertEqual(Set(read.reports.map(\.total)), [total])
        let done = read.reports.map(\.done)
        XCTAssertEqual(done, done.sorted(), "done only grows: \(done)")
        XCTAssertTrue(done.contains { $0 > 0 && $0 < total / 2 }, "seen early in the first file: \(done)")
        XCTAssertTrue(done.contains { $0 > firstSize && $0 < total }, "seen within the second file: \(done)")
        XCTAssertEqual(done.last, total)
        XCTAssertEqual(read.reports.last?.percent, 100)
        XCTAssertLessThan(try XCTUnwrap(read.reports.first?.percent), 100)
    }

    func testAGzipFileCountsItsCompressedBytes() throws {
        // Hex digits compress to about half: 90,000 rows are about 6 MB of text in 3 MB of gzip, more
        // than the reader's 4 MiB of text at a time, so some batches come before the last bytes.
        var state: UInt64 = 42
        var text = "id,digest\n"
        for id in 0..<90_000 {
            text += "\(id),"
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += String(state, radix: 16)
            }
            text += "\n"
        }
        let plain = try files.write("big.csv", text)
        let gzip = try ProcessRunner.run("/usr/bin/gzip", ["-nf", plain])
        XCTAssertEqual(gzip.status, 0, gzip.stderr)
        let compressed = try size(plain + ".gz")
        let source = try CSVTestSource.make(["path": plain + ".gz"])
        let read = try progress(source, stream: "big", batchSize: 5000)
        XCTAssertEqual(read.rows, 90_000)
        XCTAssertEqual(Set(read.reports.map(\.total)), [compressed], "the total is the file as stored, not its text")
        let done = read.reports.map(\.done)
        XCTAssertEqual(done, done.sorted(), "\(done)")
        XCTAssertTrue(done.contains { $0 > 0 && $0 < compressed }, "seen mid-way: \(done)")
        XCTAssertEqual(done.last, compressed)
    }

    func testAnHTTPFileCountsTheBytesItsResponseAnnounces() throws {
        let path = try files.write("remote.csv", "id,value\n" + numbers(0..<5000))
        let server = try RangeFileServer(root: files.folder.path)
        let source = try CSVTestSource.make(["path": server.baseURL + "/remote.csv", "remote": ["retries": 0]])
        let read = try progress(source, stream: "remote", batchSize: 1000)
        XCTAssertEqual(read.rows, 5000)
        let total = try size(path)
        XCTAssertEqual(Set(read.reports.map(\.total)), [total], "the size is known from the first batch on")
        let done = read.reports.map(\.done)
        XCTAssertEqual(done, done.sorted(), "\(done)")
        XCTAssertEqual(done.last, total)
    }

    func testAnIncrementalReadCountsOnlyTheBytesAfterItsSavedPosition() throws {
        let path = try files.write("log.csv", numbers(0..<100))
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "value", "type": "int64"]]
        let config: [String: Any] = ["path": path, "header": false, "columns": columns, "last_line_quiet_seconds": 3600]
        let first = try progress(try CSVTestSource.make(config), stream: "log", cursor: "$offset")
        let before = try size(path)
        XCTAssertEqual(first.reports.last, SourceInputProgress(done: before, total: before))
        try files.append("log.csv", numbers(100..<150))
        let appended = try size(path) - before
        let second = try progress(try CSVTestSource.make(config), stream: "log", state: first.checkpoint, cursor: "$offset")
        XCTAssertEqual(second.rows, 50)
        XCTAssertEqual(second.reports.last, SourceInputProgress(done: appended, total: appended))
    }
}
