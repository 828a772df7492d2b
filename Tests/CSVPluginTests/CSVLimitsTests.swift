import ETLRuntimeCore
import Foundation
import XCTest

/// Records longer than `max_line_bytes`, and memory that stays bounded on large files.
final class CSVLimitsTests: XCTestCase {
    private let files = CSVFixture()

    func testRecordLongerThanMaxLineBytesIsRejectedAndReadingGoesOn() throws {
        let long = String(repeating: "y", count: 100)
        let path = try files.write("long.csv", "a,b\n1,x\n2,\(long)\n3,z\n")
        let result = try CSVTestSource.make(["path": path, "max_line_bytes": 32]).readAll(stream: "long")
        XCTAssertEqual(result.rows, [["1", "x"], ["3", "z"]])
        XCTAssertEqual(result.rejectPositions, ["\(path):3"])
        XCTAssertTrue(result.rejects[0].reason.contains("more than max_line_bytes (32)"), result.rejects[0].reason)
    }

    func testARecordOfExactlyMaxLineBytesLoadsWithEitherLineBreakAndOneByteMoreIsRejected() throws {
        let path = try files.write("edge.csv", "a,b\n1234,678\r\n1234,6789\n1234,6789\r\n1234,678\n1,2\n")
        let result = try CSVTestSource.make(["path": path, "max_line_bytes": 8]).readAll(stream: "edge")
        XCTAssertEqual(result.rows, [["1234", "678"], ["1234", "678"], ["1", "2"]])
        XCTAssertEqual(result.rejectPositions, ["\(path):3", "\(path):4"])
        for reject in result.rejects {
            XCTAssertTrue(reject.reason.hasPrefix("the record is 9 bytes long, more than max_line_bytes (8)"), reject.reason)
        }
    }

    func testRecordLargerThanTheReadBufferIsSkippedWithItsFirstBytesAsRawText() throws {
        // 6 MiB in one quoted field (with line breaks inside) is more than the 4 MiB read buffer.
        let huge = String(repeating: "0123456789abcde\n", count: 6 << 16)
        let path = try files.write("huge.csv", "a,b\n1,x\n2,\"\(huge)\"\n3,z\n")
        let result = try CSVTestSource.make(["path": path, "max_line_bytes": 1024]).readAll(stream: "huge")
        XCTAssertEqual(result.rows, [["1", "x"], ["3", "z"]])
        // The record starts on line 3 and holds 6 << 16 line breaks, so "3,z" is on line 3 + 393216 + 1.
        XCTAssertEqual(result.rejectPositions, ["\(path):3"])
        XCTAssertEqual(result.rejects[0].raw.utf8.count, 4096)
        let next = try CSVTestSource.make(["path": path, "max_line_bytes": 1024]).readAll(stream: "huge", cursor: "$offset")
        XCTAssertTrue(try XCTUnwrap(next.lastCheckpoint).contains("\"line\":\(3 + (6 << 16) + 1 + 1)"), next.lastCheckpoint ?? "")
    }

    func testUnterminatedQuoteLargerThanTheReadBufferIsRejected() throws {
        let huge = String(repeating: "z", count: 5 << 20)
        let path = try files.write("open.csv", "a,b\n1,x\n2,\"\(huge)\n")
        let result = try CSVTestSource.make(["path": path, "max_line_bytes": 1024]).readAll(stream: "open")
        XCTAssertEqual(result.rows, [["1", "x"]])
        XCTAssertEqual(result.rejectPositions, ["\(path):3"])
        XCTAssertTrue(result.rejects[0].reason.hasPrefix("unterminated quote"), result.rejects[0].reason)
    }

    func testReadingALargeFileKeepsMemoryBounded() throws {
        // About 60 MB of census-shaped rows: far more than the read buffer and one batch.
        let line = "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K\n"
        let block = String(repeating: line, count: 10_000)
        let path = files.path("big.data")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        for _ in 0..<50 { try handle.write(contentsOf: Data(block.utf8)) }
        try handle.close()
        let columns = (0..<15).map { ["name": "c\($0)", "type": "text"] }
        let source = try CSVTestSource.make(["path": path, "header": false, "trim": true, "columns": columns])
        let read = try source.read(ReadRequest(entryID: "big", stream: "big", batchSize: 10_000))
        let baseline = residentKilobytes()
        var peak = baseline
        var rows = 0
        while let batch = try read.stream.next() {
            rows += batch.rowCount
            peak = max(peak, residentKilobytes())
        }
        XCTAssertEqual(rows, 500_000)
        // The file is ~60 MB; reading it must not hold it: growth stays far below its size.
        XCTAssertLessThan(peak - baseline, 40_000, "resident memory grew by \(peak - baseline) kB")
    }

    /// VmRSS of this process, in kB.
    private func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }
}
