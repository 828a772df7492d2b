import ETLRuntimeCore
import Foundation
import XCTest

/// Values written with RFC 4180 quoting read back exactly, also where records straddle the
/// reader's 4 MiB buffer refills.
final class CSVRoundTripTests: XCTestCase {
    private let files = CSVFixture()

    /// A deterministic generator (SplitMix64), so a failure reproduces.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// Rows of (id, text) where the text mixes delimiters, quotes, LF, CRLF and non-ASCII.
    private func randomRows(_ count: Int) -> [[String]] {
        var generator = Generator(state: 42)
        let pieces = ["a", "bc", ",", "\"", "\n", "\r\n", " ", "é", "日本", "x,y", "\"\"", "z"]
        return (0..<count).map { id in
            let text = (0..<generator.next(40)).map { _ in pieces[generator.next(pieces.count)] }.joined()
            return [String(id), text]
        }
    }

    private func encode(_ rows: [[String]], lineBreak: String) -> String {
        rows.map { row in
            row.map { value in
                // Scalars, not Characters: "\r\n" is one Character and would hide a lone "\n".
                value.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) || value.isEmpty
                    ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }.joined(separator: ",")
        }.joined(separator: lineBreak) + lineBreak
    }

    private let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "text", "type": "text"]]

    func testQuotedRecordsReadBackExactlyAcrossBufferRefills() throws {
        let rows = randomRows(200_000)
        let path = try files.write("round.csv", encode(rows, lineBreak: "\n"))
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0, 9 << 20)
        let result = try CSVTestSource.make(["path": path, "header": false, "columns": columns]).readAll(stream: "round")
        XCTAssertEqual(result.rejects.count, 0, "first reject: \(String(describing: result.rejects.first))")
        assertSameRows(result.rows, rows)
    }

    func testCRLFFileResumedInSmallReadsEqualsOneFullRead() throws {
        let rows = randomRows(3_000)
        let path = try files.write("crlf.csv", encode(rows, lineBreak: "\r\n"))
        let config: [String: Any] = ["path": path, "header": false, "columns": columns]
        var generator = Generator(state: 7)
        var state: String?
        var loaded: [[String?]] = []
        for _ in 0..<2_000 {
            let size = 1 + generator.next(300)
            let part = try CSVTestSource.make(config).readAll(stream: "crlf", state: state, cursor: "$offset", batchSize: size, maxRecords: size)
            XCTAssertEqual(part.rejects.count, 0, "first reject: \(String(describing: part.rejects.first))")
            guard !part.batches.isEmpty else { break }
            loaded += part.rows
            state = part.lastCheckpoint
        }
        assertSameRows(loaded, rows)
    }

    /// Compares row counts, then names the first differing row (the rows are too long to print).
    private func assertSameRows(_ loaded: [[String?]], _ expected: [[String]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(loaded.count, expected.count, file: file, line: line)
        if let index = zip(loaded, expected).enumerated().first(where: { $0.element.0 != $0.element.1.map { Optional($0) } })?.offset {
            XCTFail("row \(index) differs: \(loaded[index]) instead of \(expected[index])", file: file, line: line)
        }
    }
}
