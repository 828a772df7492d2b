import ETLArrow
import ETLRuntimeCore
import XCTest

/// How the header line and the declared columns decide the stream's columns.
final class CSVHeaderAndColumnsTests: XCTestCase {
    private let files = CSVFixture()

    /// Without inference (`infer_rows: 0`; by default types are inferred, CSVTypeInferenceTests).
    func testHeaderWithoutDeclaredColumnsOrInferenceLoadsEveryColumnAsTextNamedByTheHeader() throws {
        let path = try files.write("people.csv", "name,age\nann,31\nbob,\n")
        let result = try CSVTestSource.make(["path": path, "infer_rows": 0]).readAll(stream: "people")
        XCTAssertEqual(result.schema.fields, [ArrowField(name: "name", type: .utf8), ArrowField(name: "age", type: .utf8)])
        XCTAssertEqual(result.rows, [["ann", "31"], ["bob", nil]])
    }

    func testDeclaredColumnsAreMatchedToTheHeaderByNameAndOtherHeaderColumnsLoadAsText() throws {
        let path = try files.write("scores.csv", "player,score,team\nann,31,red\n")
        let config: [String: Any] = ["path": path, "columns": [["name": "score", "type": "int64"], ["name": "player", "type": "text"]]]
        let result = try CSVTestSource.make(config).readAll(stream: "scores")
        XCTAssertEqual(result.schema.fields, [
            ArrowField(name: "score", type: .int64), ArrowField(name: "player", type: .utf8), ArrowField(name: "team", type: .utf8),
        ])
        XCTAssertEqual(result.rows, [["31", "ann", "red"]])
    }

    func testDeclaredColumnMissingFromTheHeaderFailsTheRead() throws {
        let path = try files.write("scores.csv", "player,points\nann,31\n")
        let source = try CSVTestSource.make(["path": path, "columns": [["name": "score", "type": "int64"]]])
        assertPluginError("bad data", ["no column \"score\"", path]) {
            _ = try source.readAll(stream: "scores")
        }
    }

    func testWithoutHeaderTheDeclaredColumnsAreEveryFieldInOrder() throws {
        let path = try files.write("pairs.csv", "name,age\nann,31\n")
        let config: [String: Any] = ["path": path, "header": false, "columns": [["name": "a", "type": "text"], ["name": "b", "type": "text"]]]
        let result = try CSVTestSource.make(config).readAll(stream: "pairs")
        XCTAssertEqual(result.rows, [["name", "age"], ["ann", "31"]])
    }

    func testHeaderFalseWithoutColumnsIsRefusedAtCreate() throws {
        let path = try files.write("pairs.csv", "a,b\n")
        assertPluginError("invalid config", ["config.columns is required when header is false"]) {
            _ = try CSVTestSource.make(["path": path, "header": false])
        }
    }

    func testFilesOfAGlobMayOrderTheirColumnsDifferently() throws {
        try files.write("part-1.csv", "id,name\n1,ann\n")
        try files.write("part-2.csv", "name,id\nbob,2\n")
        let config: [String: Any] = ["path": files.path("part-*.csv"), "columns": [["name": "id", "type": "int64"]]]
        let result = try CSVTestSource.make(config).readAll(stream: "part")
        XCTAssertEqual(result.rows, [["1", "ann"], ["2", "bob"]])
    }

    func testAFileWithAColumnTheStreamDoesNotHaveFailsTheRead() throws {
        try files.write("part-1.csv", "id,name\n1,ann\n")
        try files.write("part-2.csv", "id,name,email\n2,bob,b@x\n")
        let source = try CSVTestSource.make(["path": files.path("part-*.csv")])
        assertPluginError("", ["part-2.csv has a column \"email\""]) {
            _ = try source.readAll(stream: "part")
        }
    }

    func testHeaderNamesAreTrimmedWhenTrimIsOn() throws {
        let path = try files.write("spaced.csv", " name , age\nann, 31\n")
        let result = try CSVTestSource.make(["path": path, "trim": true, "columns": [["name": "age", "type": "int64"]]])
            .readAll(stream: "spaced")
        XCTAssertEqual(result.schema.fields.map(\.name), ["age", "name"])
        XCTAssertEqual(result.rows, [["31", "ann"]])
    }

    func testDuplicateHeaderNameFailsTheRead() throws {
        let path = try files.write("twice.csv", "a,a\n1,2\n")
        assertPluginError("bad data", ["names column \"a\" twice"]) {
            _ = try CSVTestSource.make(["path": path]).readAll(stream: "twice")
        }
    }

    func testDiscoverReportsTheStreamNamedAfterTheFileAndItsColumns() throws {
        let path = try files.write("adult.data", "age,name\n")
        let streams = try CSVTestSource.make(["path": path, "columns": [["name": "age", "type": "int64", "nullable": false]]]).discover()
        XCTAssertEqual(streams.map(\.name), ["adult"])
        XCTAssertEqual(streams[0].schema.fields, [ArrowField(name: "age", type: .int64, nullable: false), ArrowField(name: "name", type: .utf8)])
    }

    func testAGlobStreamIsNamedAfterTheTextBeforeItsWildcard() throws {
        try files.write("orders-2024.csv", "id\n")
        let streams = try CSVTestSource.make(["path": files.path("orders-*.csv")]).discover()
        XCTAssertEqual(streams.map(\.name), ["orders"])
    }

    func testStreamSettingRenamesTheStream() throws {
        let path = try files.write("adult.data", "age\n")
        let streams = try CSVTestSource.make(["path": path, "stream": "census"]).discover()
        XCTAssertEqual(streams.map(\.name), ["census"])
    }

    func testReadingAnotherStreamIsRefused() throws {
        let path = try files.write("adult.data", "age\n1\n")
        assertPluginError("invalid config", ["no stream 'people'", "its stream is 'adult'"]) {
            _ = try CSVTestSource.make(["path": path]).readAll(stream: "people")
        }
    }
}
