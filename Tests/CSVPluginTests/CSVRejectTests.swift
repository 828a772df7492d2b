import ETLRuntimeCore
import XCTest

/// Rows that cannot be read go to rejects with file:line, the raw text and the reason; the
/// good rows around them still load.
final class CSVRejectTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "name", "type": "text"], ["name": "age", "type": "int64"]]

    private func read(_ bytes: [UInt8], _ extra: [String: Any] = [:]) throws -> (path: String, result: CSVReadResult) {
        let path = try files.write("bad.csv", bytes: bytes)
        var config: [String: Any] = ["path": path, "header": false, "columns": columns]
        config.merge(extra) { $1 }
        return (path, try CSVTestSource.make(config).readAll(stream: "bad"))
    }

    func testBadFileRejectsEachBadRowAtItsLineAndLoadsTheGoodOnes() throws {
        var bytes = Array("1,ann,31\n2,bob\n3,cy,4x\n".utf8)
        bytes += Array("5,\"multi\nline\",50\n6,eve,60\n7,\"open,70\n8,never,80\n".utf8)
        let (path, result) = try read(bytes)
        XCTAssertEqual(result.rows, [["1", "ann", "31"], ["5", "multi\nline", "50"], ["6", "eve", "60"]])
        XCTAssertEqual(result.rejects.map(\.position), ["\(path):2", "\(path):3", "\(path):7"])
        XCTAssertEqual(result.rejects[0].reason, "expected 3 fields, got 2")
        XCTAssertEqual(result.rejects[1].reason, "column age: \"4x\" is not an int64")
        XCTAssertTrue(result.rejects[2].reason.hasPrefix("unterminated quote"), result.rejects[2].reason)
    }

    func testRejectCarriesTheRawTextOfTheRecord() throws {
        let (_, result) = try read(Array("1,ann,31\n2,bob,x\n".utf8))
        XCTAssertEqual(result.rejects.map(\.raw), ["2,bob,x"])
    }

    func testTooManyFieldsIsRejected() throws {
        let (_, result) = try read(Array("1,ann,31,extra\n".utf8))
        XCTAssertEqual(result.rejects.map(\.reason), ["expected 3 fields, got 4"])
    }

    func testUnterminatedQuoteRunsToTheEndOfTheFileAndIsRejectedWhole() throws {
        let (path, result) = try read(Array("1,ann,31\n2,\"bob,20\n3,cy,30\n".utf8))
        XCTAssertEqual(result.rows, [["1", "ann", "31"]])
        XCTAssertEqual(result.rejects.map(\.position), ["\(path):2"])
        XCTAssertEqual(result.rejects.first?.raw, "2,\"bob,20\n3,cy,30\n")
    }

    /// A byte that is not UTF-8 means the file is in another encoding (so every later row would
    /// fail alike): the read fails once, naming the file, line and byte (CSVEncodingTests).
    func testInvalidUTF8FailsTheReadInsteadOfRejectingRowByRow() throws {
        let path = try files.write("bad.csv", bytes: [0x32, 0x2C, 0xC3, 0xA9, 0x2C, 0x33, 0x0A, 0x31, 0x2C, 0xC3, 0x28, 0x2C, 0x32, 0x0A])
        let source = try CSVTestSource.make(["path": path, "header": false, "columns": columns])
        assertPluginError("", ["\(path):2 is not valid UTF-8: byte 0xC3 at byte 3 of the line"]) {
            _ = try source.readAll(stream: "bad")
        }
    }

    func testGoodRowsAfterManyRejectsAreStillLoaded() throws {
        let text = (1...500).map { $0 % 10 == 0 ? "\($0),ok,\($0)" : "\($0),bad" }.joined(separator: "\n") + "\n"
        let (_, result) = try read(Array(text.utf8))
        XCTAssertEqual(result.rows.count, 50)
        XCTAssertEqual(result.rejects.count, 450)
    }
}
