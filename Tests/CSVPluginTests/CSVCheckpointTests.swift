import ETLRuntimeCore
import Foundation
import XCTest

/// The checkpoint after each batch is the exact position after that batch's last row: reading
/// on from it yields the next row, never an earlier one, and no reject twice.
final class CSVCheckpointTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "note", "type": "text"]]

    /// 100 rows with blank lines, rejects, a quoted multi-line value and CRLF line breaks mixed in.
    private func writeMixedFile() throws -> String {
        var lines: [String] = []
        for id in 1...100 {
            switch id % 13 {
            case 3: lines.append("\(id),\"two\nlines\"")
            case 5: lines.append("\(id),crlf\r")
            case 7: lines.append("")
            default: lines.append("\(id),note \(id)")
            }
            if id % 17 == 0 { lines.append("bad,row,\(id)") }
        }
        return try files.write("mixed.csv", lines.joined(separator: "\n") + "\n")
    }

    private func source(_ path: String) throws -> SourceInstance {
        try CSVTestSource.make(["path": path, "header": false, "columns": columns])
    }

    func testResumingEverySevenRowsEqualsOneFullReadRowForRow() throws {
        let path = try writeMixedFile()
        let full = try source(path).readAll(stream: "mixed")
        var state: String?
        var rows: [[String?]] = []
        var rejects: [SourceReject] = []
        var reads = 0
        while true {
            let part = try source(path).readAll(stream: "mixed", state: state, cursor: "$offset", batchSize: 7, maxRecords: 7)
            rows += part.rows
            rejects += part.rejects
            reads += 1
            XCTAssertLessThanOrEqual(part.rows.count, 7)
            guard let checkpoint = part.lastCheckpoint, !part.batches.isEmpty else { break }
            state = checkpoint
            XCTAssertLessThan(reads, 40, "the reads do not finish")
            if reads >= 40 { break }
        }
        XCTAssertEqual(rows.count, full.rows.count)
        XCTAssertEqual(rows, full.rows)
        XCTAssertEqual(rejects.map(\.position), full.rejects.map(\.position))
        XCTAssertEqual(full.rows.count, 92)
    }

    func testEachBatchCheckpointResumesAtTheNextRow() throws {
        let path = try writeMixedFile()
        let whole = try source(path).readAll(stream: "mixed", cursor: "$offset", batchSize: 7)
        XCTAssertEqual(whole.batches.map(\.count).dropLast().allSatisfy { $0 == 7 }, true)
        var rowsBefore = 0
        for (index, checkpoint) in whole.checkpoints.enumerated() {
            rowsBefore += whole.batches[index].count
            let rest = try source(path).readAll(stream: "mixed", state: checkpoint, cursor: "$offset")
            XCTAssertEqual(rest.rows, Array(whole.rows.dropFirst(rowsBefore)), "resuming after batch \(index)")
        }
    }

    func testMaxRecordsStopsExactlyThereAndTheCheckpointIsAtThatRow() throws {
        let path = try files.write("n.csv", (1...20).map { "\($0),x" }.joined(separator: "\n") + "\n")
        let first = try source(path).readAll(stream: "n", cursor: "$offset", batchSize: 4, maxRecords: 10)
        XCTAssertEqual(first.batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(first.rows.last?.first, "10")
        let next = try source(path).readAll(stream: "n", state: first.lastCheckpoint, cursor: "$offset", batchSize: 4, maxRecords: 10)
        XCTAssertEqual(next.rows.first?.first, "11")
        XCTAssertEqual(next.rows.last?.first, "20")
    }

    func testRejectsBeforeTheLastRowOfABatchAreBehindItsCheckpoint() throws {
        let path = try files.write("r.csv", "1,a\nbad\n2,b\nbad\n3,c\n")
        let first = try source(path).readAll(stream: "r", cursor: "$offset", batchSize: 2, maxRecords: 2)
        XCTAssertEqual(first.rejectPositions, ["\(path):2"])
        let next = try source(path).readAll(stream: "r", state: first.lastCheckpoint, cursor: "$offset")
        XCTAssertEqual(next.rows, [["3", "c"]])
        XCTAssertEqual(next.rejectPositions, ["\(path):4"])
    }

    func testMaxBatchBytesEndsBatchesEarly() throws {
        let path = try files.write("b.csv", (1...200).map { "\($0),\(String(repeating: "x", count: 100))" }.joined(separator: "\n") + "\n")
        let result = try source(path).readAll(stream: "b", batchSize: 1000, maxBatchBytes: 4096)
        XCTAssertEqual(result.rows.count, 200)
        XCTAssertGreaterThan(result.batches.count, 5)
        XCTAssertTrue(result.batches.allSatisfy { $0.count <= 40 }, "\(result.batches.map(\.count))")
    }
}
