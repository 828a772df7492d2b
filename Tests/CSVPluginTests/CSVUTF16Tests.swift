import ETLRuntimeCore
import Foundation
import XCTest

/// `encoding: "utf-16"` (byte order from the byte order mark), `utf-16le`, `utf-16be`: the text
/// is transcoded to UTF-8 as a stream before it is parsed, compressed or not.
final class CSVUTF16Tests: XCTestCase {
    private let files = CSVFixture()

    private func utf16(_ text: String, bigEndian: Bool, mark: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        return bytes
    }

    private let text = "cidade\tnota\nSão Paulo 🌆\t9,5\nBelém\t8\n"

    func testLittleAndBigEndianFilesWithAByteOrderMarkLoadAsUTF8() throws {
        for bigEndian in [false, true] {
            let path = try files.write("notas.tsv", bytes: utf16(text, bigEndian: bigEndian))
            let result = try CSVTestSource.make(["path": path, "encoding": "utf-16", "delimiter": "\t", "decimal_separator": ","])
                .readAll(stream: "notas")
            XCTAssertEqual(result.schema.fields.map(\.name), ["cidade", "nota"])
            XCTAssertEqual(result.rows, [["São Paulo 🌆", "9.5"], ["Belém", "8.0"]], "big endian: \(bigEndian)")
        }
    }

    func testSetByteOrderReadsAFileWithoutAMark() throws {
        let path = try files.write("n.tsv", bytes: utf16(text, bigEndian: true, mark: false))
        let result = try CSVTestSource.make(["path": path, "encoding": "utf-16be", "delimiter": "\t"]).readAll(stream: "n")
        XCTAssertEqual(result.rows.count, 2)
    }

    func testUTF16WithoutAMarkNeedsTheByteOrder() throws {
        let path = try files.write("n.tsv", bytes: utf16(text, bigEndian: false, mark: false))
        let source = try CSVTestSource.make(["path": path, "encoding": "utf-16", "delimiter": "\t"])
        assertPluginError("bad data", ["\(path) does not start with a UTF-16 byte order mark (FF FE or FE FF); set \"encoding\" to \"utf-16le\" or \"utf-16be\""]) {
            _ = try source.readAll(stream: "n")
        }
    }

    func testALoneSurrogateFailsNamingItsByte() throws {
        let path = try files.write("bad.csv", bytes: utf16("a\n", bigEndian: false) + [0x00, 0xDC] + utf16("\n", bigEndian: false, mark: false))
        let source = try CSVTestSource.make(["path": path, "encoding": "utf-16"])
        assertPluginError("", ["\(path) is not valid UTF-16: a lone low surrogate at byte 6"]) {
            _ = try source.readAll(stream: "bad")
        }
    }

    func testIncrementalReadTakesAUTF16FileWholeOncePerChange() throws {
        let path = try files.write("u.csv", bytes: utf16("id\n1\n", bigEndian: false))
        let source = try CSVTestSource.make(["path": path, "encoding": "utf-16"])
        let first = try source.readAll(stream: "u", cursor: "$offset")
        XCTAssertEqual(first.rows, [["1"]])
        let again = try source.readAll(stream: "u", state: first.lastCheckpoint, cursor: "$offset")
        XCTAssertEqual(again.rows, [])
    }
}
