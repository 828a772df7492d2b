import ETLRuntimeCore
import Foundation
import PluginTestSupport
import XCTest

/// Records are decoded a block at a time, column by column, while the read buffer still holds
/// them. Whatever falls inside a block — rejects of every kind, quoted values unescaped into
/// scratch space, nulls, a refill of the read buffer — the rows, their positions and the
/// rejects come out exactly as a record-by-record read gives them, in file order.
final class CSVBlockDecodingTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [
        ["name": "id", "type": "int64"], ["name": "label", "type": "text"],
        ["name": "pad", "type": "text"], ["name": "qty", "type": "int64", "nullable": false],
    ]

    /// The read buffer holds max_line_bytes + 1 MiB: with 4 KiB lines it refills every MiB or so,
    /// each time reading a whole buffer's worth over the bytes of the records before.
    private func config(_ path: String) -> [String: Any] {
        ["path": path, "header": false, "columns": columns, "max_line_bytes": 4096]
    }

    /// 6,000 records of about 450 bytes (2.7 MB: the read buffer refills twice, in the middle of
    /// blocks). Record
    /// `i` has too few fields when i % 11 == 0, a qty that is not a number when i % 7 == 0, a null
    /// qty (refused: not nullable) when i % 19 == 0, a null label when i % 5 == 0, and a quoted
    /// label with doubled quotes (unescaped into scratch) when i % 13 == 0.
    private func mixedFile() throws -> (path: String, rows: [[String?]], rejects: [(line: Int, reason: String)]) {
        var text = ""
        var rows: [[String?]] = []
        var rejects: [(Int, String)] = []
        for id in 1...6000 {
            let pad = String(repeating: "p", count: 400 + id % 50)
            if id % 11 == 0 {
                text += "\(id),short,\(pad)\n"
                rejects.append((id, "expected 4 fields, got 3"))
                continue
            }
            let label: String?
            let written: String
            if id % 13 == 0 {
                label = "say \"hi\" \(id)"
                written = "\"say \"\"hi\"\" \(id)\""
            } else if id % 5 == 0 {
                label = nil
                written = ""
            } else {
                label = "l\(id)"
                written = label!
            }
            let qty = id % 7 == 0 ? "q\(id)" : id % 19 == 0 ? "" : "\(id * 3)"
            text += "\(id),\(written),\(pad),\(qty)\n"
            if id % 7 == 0 {
                rejects.append((id, "column qty: \"q\(id)\" is not an int64"))
            } else if id % 19 == 0 {
                rejects.append((id, "column qty: \"\" is a null value, but the column is declared \"nullable\": false"))
            } else {
                rows.append(["\(id)", label, pad, qty])
            }
        }
        XCTAssertGreaterThan(text.utf8.count, 2 << 20, "the file must fill the read buffer more than twice")
        return (try files.write("mixed.csv", text), rows, rejects)
    }

    func testRowsAndRejectsKeepFileOrderWhateverTheBatchSize() throws {
        let (path, rows, rejects) = try mixedFile()
        for batchSize in [10_000, 1000, 256, 100, 7] {
            let result = try CSVTestSource.make(config(path))
                .readAll(stream: "mixed", batchSize: batchSize)
            XCTAssertEqual(result.rows, rows, "batch_size \(batchSize)")
            XCTAssertEqual(result.rejects.map(\.position), rejects.map { "\(path):\($0.line)" }, "batch_size \(batchSize)")
            XCTAssertEqual(result.rejects.map(\.reason), rejects.map(\.reason), "batch_size \(batchSize)")
            XCTAssertTrue(result.batches.allSatisfy { $0.count <= batchSize }, "batch_size \(batchSize)")
        }
    }

    func testMaxBatchBytesStillEndsEachBatchJustPastTheLimit() throws {
        let (path, rows, _) = try mixedFile()
        let result = try CSVTestSource.make(config(path))
            .readAll(stream: "mixed", maxBatchBytes: 64 * 1024)
        XCTAssertEqual(result.rows, rows)
        XCTAssertGreaterThan(result.batches.count, 10)
        // A batch ends at the first row that takes it to 64 KiB: its text is at most that plus
        // one row's (about 450 bytes), and not far below (offsets and integers take the rest).
        let textBytes = result.batches.map { batch in batch.reduce(0) { $0 + $1.reduce(0) { $0 + ($1?.utf8.count ?? 0) } } }
        for size in textBytes.dropLast() {
            XCTAssertLessThan(size, 64 * 1024 + 500, "\(textBytes)")
            XCTAssertGreaterThan(size, 60 * 1024, "\(textBytes)")
        }
    }

    func testEachRowsPositionIsTheLineOfItsRecordWhenRowsAroundItAreRefused() throws {
        let (path, rows, rejects) = try mixedFile()
        let request = ReadRequest(entryID: "test_entry", stream: "mixed", batchSize: 300)
        let result = try CSVTestSource.make(config(path)).readAll(request.askingForPositions())
        XCTAssertEqual(result.rowsWithoutPositions, rows)
        XCTAssertEqual(result.positions, rows.map { "\(path):\($0[0]!)" })
        XCTAssertEqual(result.rejectPositions, rejects.map { "\(path):\($0.line)" })
    }

    func testRecordsPendingWhenTheReadBufferRefillsKeepTheirBytes() throws {
        // Plain records only: nothing flushes a block early, so one is pending at every refill
        // and each record's text differs from the bytes a refill reads over it.
        var text = ""
        var rows: [[String?]] = []
        for id in 1...8000 {
            let pad = String(repeating: String(UnicodeScalar(UInt8(97 + id % 26))), count: 400 + id % 50)
            text += "\(id),l\(id),\(pad),\(id * 3)\n"
            rows.append(["\(id)", "l\(id)", pad, "\(id * 3)"])
        }
        let path = try files.write("plain.csv", text)
        for batchSize in [10_000, 1000] {
            let result = try CSVTestSource.make(config(path)).readAll(stream: "plain", batchSize: batchSize)
            XCTAssertEqual(result.rows, rows, "batch_size \(batchSize)")
            XCTAssertEqual(result.rejects.count, 0)
        }
    }
}
