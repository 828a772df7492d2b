import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// Asked for positions (`"positions": true`, ETL_CAP_POSITIONS), the csv source ends every row
/// with `_etl_position`: `path:line` of the line where the record starts, exactly what a reject
/// of that row would say, after skipped title lines and comments, across quoted line breaks and
/// inside compressed files.
final class CSVPositionTests: XCTestCase {
    private let files = CSVFixture()

    /// A title line (skip_rows), the header, a comment, a record spanning two lines, and `2,x`
    /// whose amount is text: line numbers 4, 5 (the record on 5-6), 7 and 8.
    private let messy = "Export of 2024-05-01\nid,amount,note\n# checked\n1,10,plain\n2,20,\"two\nlines\"\n3,x,bad amount\n4,40,last\n"

    private func read(_ path: String, amount: String, extra: [String: Any] = [:], positions: Bool = true) throws -> SourceReadResult {
        var config: [String: Any] = ["path": path, "skip_rows": 1, "comment": "#",
                                     "columns": [["name": "id", "type": "int64"], ["name": "amount", "type": amount]]]
        config.merge(extra) { $1 }
        let request = ReadRequest(entryID: "test_entry", stream: "data")
        return try CSVTestSource.make(config).readAll(positions ? request.askingForPositions() : request)
    }

    func testEachRowCarriesTheLineWhereItsRecordStartsAfterSkippedAndCommentLines() throws {
        let path = try files.write("data.csv", messy)
        let result = try read(path, amount: "text")
        XCTAssertEqual(result.schema.fields.map(\.name), ["id", "amount", "note", "_etl_position"])
        XCTAssertEqual(result.schema.fields.last?.type, .utf8)
        XCTAssertEqual(result.rowsWithoutPositions.map { $0[0] }, ["1", "2", "3", "4"])
        XCTAssertEqual(result.positions, ["\(path):4", "\(path):5", "\(path):7", "\(path):8"])
    }

    func testARowsPositionIsWhatItsRejectSays() throws {
        let path = try files.write("data.csv", messy)
        // Typed, row 3 ("x") is rejected; as text it loads. Its reject and its position must agree.
        let typed = try read(path, amount: "int64")
        XCTAssertEqual(typed.rejectPositions, ["\(path):7"])
        XCTAssertEqual(typed.positions, ["\(path):4", "\(path):5", "\(path):8"])
        let loaded = try read(path, amount: "text")
        let rowThree = try XCTUnwrap(loaded.rows.firstIndex { $0.first == "3" })
        XCTAssertEqual(loaded.positions[rowThree], typed.rejectPositions[0])
    }

    func testWithoutTheOptionTheStreamIsUnchanged() throws {
        let path = try files.write("data.csv", messy)
        let plain = try read(path, amount: "text", positions: false)
        XCTAssertEqual(plain.schema.fields.map(\.name), ["id", "amount", "note"])
        XCTAssertEqual(plain.rows, try read(path, amount: "text").rowsWithoutPositions)
        // discover never lists the column, asked or not.
        XCTAssertEqual(try CSVTestSource.make(["path": path, "skip_rows": 1, "comment": "#"]).discover()[0].schema.fields.map(\.name),
                       ["id", "amount", "note"])
    }

    func testGzipInputGivesTheLinesOfTheDecompressedText() throws {
        let plain = try files.write("data.csv", messy)
        let outcome = try ProcessRunner.run("/usr/bin/gzip", ["-nk", plain])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let result = try read(plain + ".gz", amount: "int64")
        XCTAssertEqual(result.positions, ["\(plain).gz:4", "\(plain).gz:5", "\(plain).gz:8"])
        XCTAssertEqual(result.rejectPositions, ["\(plain).gz:7"])
    }

    func testAGlobNamesEachFileAndSmallBatchesKeepCounting() throws {
        let first = try files.write("part-1.csv", "id\n1\n2\n")
        let second = try files.write("part-2.csv", "id\n3\n")
        let source = try CSVTestSource.make(["path": files.path("part-*.csv"), "columns": [["name": "id", "type": "int64"]]])
        let result = try source.readAll(ReadRequest(entryID: "e", stream: "part", batchSize: 2).askingForPositions())
        XCTAssertEqual(result.positions, ["\(first):2", "\(first):3", "\(second):2"])
    }

    func testAnIncrementalReadGoesOnFromTheLineItResumedAt() throws {
        let path = try files.write("log.csv", "id,v\n1,a\n")
        let source = try CSVTestSource.make(["path": path])
        let request = ReadRequest(entryID: "e", stream: "log", cursorField: "$offset").askingForPositions()
        let first = try source.readAll(request)
        XCTAssertEqual(first.positions, ["\(path):2"])
        try files.append("log.csv", "2,\"b\nc\"\n3,d\n")
        var resumed = request
        resumed.stateJSON = first.lastCheckpoint
        XCTAssertEqual(try source.readAll(resumed).positions, ["\(path):3", "\(path):5"])
    }

    func testTheSourceDeclaresThePositionsCapability() throws {
        XCTAssertTrue(try CSVTestSource.plugin().info.capabilities.contains("positions"))
    }
}
