import ETLArrow
import Foundation
import ETLRuntimeCore
import XCTest

/// `encoding`: files written in Latin-1 or Windows-1252 load as UTF-8, with the offsets of the
/// original bytes in the resume state; a UTF-8 read fails once at the first byte that is not
/// UTF-8, saying which encoding to set.
final class CSVEncodingTests: XCTestCase {
    private let files = CSVFixture()

    /// "município;população\nSão Paulo;12\n" in Latin-1 (each accented letter one byte).
    private let latin1Bytes: [UInt8] = Array("munic".utf8) + [0xED] + Array("pio;popula".utf8) + [0xE7, 0xE3] + Array("o\nS".utf8)
        + [0xE3] + Array("o Paulo;12\n".utf8)

    func testLatin1FileLoadsAsUTF8WithAccentedHeaderNames() throws {
        let path = try files.write("cidades.csv", bytes: latin1Bytes)
        let result = try CSVTestSource.make(["path": path, "delimiter": ";", "encoding": "latin-1"]).readAll(stream: "cidades")
        XCTAssertEqual(result.schema.fields.map(\.name), ["município", "população"])
        XCTAssertEqual(result.rows, [["São Paulo", "12"]])
    }

    func testWindows1252MapsItsOwnCharactersInTheC1Range() throws {
        // 0x80 is the euro sign and 0x93/0x94 curly quotes in Windows-1252 (controls in Latin-1).
        let path = try files.write("precos.csv", bytes: Array("item,preco\n".utf8) + [0x93] + Array("caf".utf8) + [0xE9, 0x94] + Array(",".utf8) + [0x80] + Array("5\n".utf8))
        let result = try CSVTestSource.make(["path": path, "encoding": "windows-1252"]).readAll(stream: "precos")
        XCTAssertEqual(result.rows, [["\u{201C}café\u{201D}", "€5"]])
    }

    func testNullValuesAreMatchedInTheFilesOwnEncoding() throws {
        // "é" is one byte (0xE9) in both; "€" is 0x80 in Windows-1252 only; "è" stays a value.
        let bytes = Array("a,b,c\n".utf8) + [0xE9, 0x2C, 0xE8, 0x2C, 0x80] + Array("\n".utf8)
        let latin1 = try CSVTestSource.make(["path": try files.write("l.csv", bytes: bytes), "encoding": "latin-1", "null_values": ["é"]])
        XCTAssertEqual(try latin1.readAll(stream: "l").rows, [[nil, "è", "\u{80}"]])
        let windows = try CSVTestSource.make(["path": try files.write("w.csv", bytes: bytes), "encoding": "windows-1252", "null_values": ["é", "€"]])
        XCTAssertEqual(try windows.readAll(stream: "w").rows, [[nil, "è", nil]])
    }

    func testANullValueTheEncodingCannotWriteIsRefusedAtCreate() throws {
        let path = try files.write("l.csv", bytes: Array("a\nx\n".utf8))
        assertPluginError("invalid config", ["null_values[1]", "\"€\"", "latin-1 cannot write"]) {
            _ = try CSVTestSource.make(["path": path, "encoding": "latin-1", "null_values": ["", "€"]])
        }
    }

    func testLatin1RejectShowsItsRawTextInUTF8() throws {
        let path = try files.write("n.csv", bytes: Array("nome,idade\n".utf8) + [0x4A, 0xE3, 0x6F] + Array(",x\n".utf8))
        let source = try CSVTestSource.make(["path": path, "encoding": "latin-1", "columns": [["name": "idade", "type": "int64"]]])
        let result = try source.readAll(stream: "n")
        XCTAssertEqual(result.rejects.map(\.raw), ["Jão,x"])
        XCTAssertEqual(result.rejects.map(\.position), ["\(path):2"])
    }

    /// The resume state keeps offsets of the file's own bytes (not of the longer UTF-8 text), so
    /// an incremental read of a growing Latin-1 file continues exactly after the last line.
    func testIncrementalLatin1ReadResumesAtTheOriginalByteOffset() throws {
        let path = try files.write("log.csv", bytes: latin1Bytes)
        let source = try CSVTestSource.make(["path": path, "delimiter": ";", "encoding": "latin-1"])
        let first = try source.readAll(stream: "log", cursor: "$offset")
        let state = try XCTUnwrap(first.lastCheckpoint)
        XCTAssertTrue(state.contains("\"offset\":\(latin1Bytes.count)"), state)
        try files.appendBytes("log.csv", Array("Bel".utf8) + [0xE9, 0x6D] + Array(";4\n".utf8))
        let second = try source.readAll(stream: "log", state: state, cursor: "$offset")
        XCTAssertEqual(second.rows.last, ["Belém", "4"])
    }

    func testInvalidUTF8FailsOnceNamingTheFileLineAndByteAndSuggestsLatin1() throws {
        var bytes = Array("id,nome\n1,ok\n".utf8)
        for row in 2...2_000 { bytes += Array("\(row),Jo".utf8) + [0xE3] + Array("o\n".utf8) }
        let path = try files.write("people.csv", bytes: bytes)
        let source = try CSVTestSource.make(["path": path])
        assertPluginError("", [
            "\(path):3 is not valid UTF-8: byte 0xE3 at byte 5 of the line",
            "set \"encoding\": \"latin-1\" (or \"windows-1252\")",
        ]) {
            _ = try source.readAll(stream: "people")
        }
    }

    func testInvalidUTF8InTheHeaderNamesItsLine() throws {
        let path = try files.write("h.csv", bytes: Array("junk\nnome,popula".utf8) + [0xE7, 0xE3] + Array("o\n".utf8))
        let source = try CSVTestSource.make(["path": path, "skip_rows": 1])
        assertPluginError("bad data", ["\(path):2 is not valid UTF-8: byte 0xE7 at byte 12 of the line", "latin-1"]) {
            _ = try source.readAll(stream: "h")
        }
    }

    func testUnknownEncodingIsAConfigErrorListingTheChoices() throws {
        let path = try files.write("x.csv", "a\n1\n")
        assertPluginError("invalid config", ["config.encoding \"ebcdic\" is not supported; use one of \"utf-8\", \"latin-1\", \"windows-1252\""]) {
            _ = try CSVTestSource.make(["path": path, "encoding": "ebcdic"])
        }
    }
}

extension CSVFixture {
    /// Appends bytes to an existing file (same inode, as a logger would).
    func appendBytes(_ name: String, _ bytes: [UInt8]) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path(name)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }
}
