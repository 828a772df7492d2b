import ETLRuntimeCore
import XCTest

/// `escape`: inside a quoted field the byte after the escape character is literal (MySQL and
/// many exporters write `\"` rather than `""`).
final class CSVEscapeTests: XCTestCase {
    private let files = CSVFixture()

    func testBackslashEscapesAQuoteABackslashAndALineFeedInsideQuotes() throws {
        let path = try files.write("e.csv", #"""
            id,text
            1,"say \"hi\", ok"
            2,"back\\slash"
            3,"doubled "" still"
            4,plain \ text

            """#)
        let result = try CSVTestSource.make(["path": path, "escape": "\\"]).readAll(stream: "e")
        XCTAssertEqual(result.rows, [["1", #"say "hi", ok"#], ["2", #"back\slash"#], ["3", #"doubled " still"#], ["4", #"plain \ text"#]])
        XCTAssertTrue(result.rejects.isEmpty, "\(result.rejects)")
    }

    func testAnEscapedQuoteDoesNotCloseTheFieldAcrossLines() throws {
        let path = try files.write("m.csv", "id,text\n1,\"a \\\"\nb\"\n2,c\n")
        let result = try CSVTestSource.make(["path": path, "escape": "\\"]).readAll(stream: "m")
        XCTAssertEqual(result.rows, [["1", "a \"\nb"], ["2", "c"]])
    }

    func testWithoutEscapeABackslashQuoteEndsTheField() throws {
        let path = try files.write("n.csv", "id,text\n1,\"say \\\"hi\\\"\"\n")
        let result = try CSVTestSource.make(["path": path]).readAll(stream: "n")
        XCTAssertEqual(result.rejects.count, 1)
        XCTAssertTrue(result.rejects[0].reason.contains("must be doubled)"), result.rejects[0].reason)
    }

    func testEscapeNeedsQuotingAndCannotBeTheDelimiter() throws {
        assertPluginError("invalid config", ["config.escape applies inside quoted fields, but quote is \"\""]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "escape": "\\", "quote": ""])
        }
        assertPluginError("invalid config", ["config.escape cannot be the delimiter or a line break"]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "escape": ","])
        }
    }
}
