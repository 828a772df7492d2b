import ETLRuntimeCore
import XCTest

/// RFC 4180 quoting, line breaks, the byte order mark and blank lines.
final class CSVQuotingTests: XCTestCase {
    private let files = CSVFixture()

    private func rows(_ text: String, _ config: [String: Any] = [:]) throws -> CSVReadResult {
        let path = try files.write("q.csv", text)
        var full: [String: Any] = ["path": path]
        full.merge(config) { $1 }
        return try CSVTestSource.make(full).readAll(stream: "q")
    }

    func testQuotedFieldMayHoldTheDelimiter() throws {
        XCTAssertEqual(try rows("a,b\n\"x,y\",z\n").rows, [["x,y", "z"]])
    }

    func testDoubledQuoteInsideQuotesIsOneQuote() throws {
        XCTAssertEqual(try rows("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n").rows, [["say \"hi\"", "\""]])
    }

    func testQuotedFieldMayHoldLineBreaksAndLineNumbersStayPhysical() throws {
        let result = try rows("a,b\n\"one\ntwo\nthree\",1\nbad\n\"x\",2\n")
        XCTAssertEqual(result.rows, [["one\ntwo\nthree", "1"], ["x", "2"]])
        // The multi-line record starts on line 2 and takes lines 2-4, so "bad" is line 5.
        XCTAssertEqual(result.rejectPositions, [files.path("q.csv") + ":5"])
    }

    func testCRLFLineBreaksAreReadAndKeptInsideQuotes() throws {
        XCTAssertEqual(try rows("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n").rows, [["1", "x\r\ny"], ["2", "z"]])
    }

    func testByteOrderMarkAtTheStartIsSkipped() throws {
        let path = try files.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,ann\n".utf8))
        let result = try CSVTestSource.make(["path": path]).readAll(stream: "bom")
        XCTAssertEqual(result.schema.fields.map(\.name), ["id", "name"])
        XCTAssertEqual(result.rows, [["1", "ann"]])
    }

    func testBlankLinesAreSkippedNotRejected() throws {
        let result = try rows("a,b\n\n1,x\r\n\r\n2,y\n\n")
        XCTAssertEqual(result.rows, [["1", "x"], ["2", "y"]])
        XCTAssertEqual(result.rejects, [])
    }

    func testDelimiterAndQuoteAreConfigurable() throws {
        XCTAssertEqual(try rows("a;b\n'x;y';'it''s'\n", ["delimiter": ";", "quote": "'"]).rows, [["x;y", "it's"]])
    }

    func testTabDelimitedFilesAreRead() throws {
        XCTAssertEqual(try rows("a\tb\n1\tx y\n", ["delimiter": "\t"]).rows, [["1", "x y"]])
    }

    func testEmptyQuoteTurnsQuotingOff() throws {
        XCTAssertEqual(try rows("a,b\n\"x,y\"\n", ["quote": ""]).rows, [["\"x", "y\""]])
    }

    func testQuoteInsideAnUnquotedFieldIsText() throws {
        XCTAssertEqual(try rows("a,b\n5'10\",x\n").rows, [["5'10\"", "x"]])
    }

    func testTrimIgnoresBlanksAroundQuotedFieldsButKeepsTheirInside() throws {
        XCTAssertEqual(try rows("a,b\n  \" x \" , y \n", ["trim": true]).rows, [[" x ", "y"]])
    }

    func testTextAfterAClosingQuoteRejectsTheRow() throws {
        let result = try rows("a,b\n\"x\"y,1\n2,3\n")
        XCTAssertEqual(result.rows, [["2", "3"]])
        XCTAssertEqual(result.rejects.count, 1)
        XCTAssertTrue(result.rejects[0].reason.contains("after the closing quote"), result.rejects[0].reason)
    }
}
