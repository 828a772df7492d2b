import CETLPlugin
import ETLArrow
import PluginTestSupport
import XCTest

/// `options.replace_partitions` with write append: a load replaces the partitions it delivers
/// (delete-and-reload of a re-exported partition), in the transaction that records its state.
final class PostgresSinkPartitionReplaceTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("dt", .utf8), ("id", .int64), ("amount", .double)])
    private let byDay = #"{"entry_options": {"replace_partitions": ["dt"]}}"#

    private func sales() throws -> [[String?]] {
        try rows("SELECT dt, id, amount FROM sales ORDER BY dt NULLS LAST, id")
    }

    func testARerunOfAPartitionWithFewerRowsLeavesExactlyTheNewRows() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.5], ["d1", 2, 3.0]], [["d1", 3, 4.5]]], mode: .append, options: byDay)
        XCTAssertEqual(try load(sink, "sales", schema, [[["d1", 2, 6.0]]], mode: .append, options: byDay), 1)
        XCTAssertEqual(try sales(), [["d1", "2", "6"]])
    }

    func testPartitionsTheLoadLacksAreUntouched() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0], ["d2", 1, 2.0], ["d3", 1, 3.0]]], mode: .append, options: byDay)
        try load(sink, "sales", schema, [[["d2", 7, 70.0]], [["d4", 1, 4.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["d1", "1", "1"], ["d2", "7", "70"], ["d3", "1", "3"], ["d4", "1", "4"]])
    }

    func testNullIsAPartitionValueOfItsOwn() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[[nil, 1, 1.0], [nil, 2, 2.0], ["d1", 1, 5.0]]], mode: .append, options: byDay)
        try load(sink, "sales", schema, [[[nil, 3, 3.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["d1", "1", "5"], [nil, "3", "3"]])
        try load(sink, "sales", schema, [[["d1", 9, 9.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["d1", "9", "9"], [nil, "3", "3"]])
    }

    func testAPartitionWithANullInOneOfItsColumnsIsReplacedAloneAndOthersOfTheSameDayStay() throws {
        let regional = Batches.schema([("dt", .utf8), ("region", .utf8), ("amount", .double)])
        let options = #"{"entry_options": {"replace_partitions": ["dt", "region"]}}"#
        let sink = try makeSink()
        try load(sink, "sales", regional, [[["d1", "north", 1.0], ["d1", nil, 2.0], ["d1", nil, 4.0], ["d2", nil, 3.0]]],
                 mode: .append, options: options)
        try load(sink, "sales", regional, [[["d1", nil, 10.0]]], mode: .append, options: options)
        XCTAssertEqual(try rows("SELECT dt, region, amount FROM sales ORDER BY dt, region NULLS LAST"),
                       [["d1", "north", "1"], ["d1", nil, "10"], ["d2", nil, "3"]])
    }

    func testSeveralColumnsNameAPartitionTogether() throws {
        let regional = Batches.schema([("dt", .utf8), ("region", .utf8), ("amount", .double)])
        let options = #"{"entry_options": {"replace_partitions": ["dt", "region"]}}"#
        let sink = try makeSink()
        try load(sink, "sales", regional, [[["d1", "north", 1.0], ["d1", "south", 2.0], ["d2", "north", 3.0]]],
                 mode: .append, options: options)
        try load(sink, "sales", regional, [[["d1", "north", 10.0]]], mode: .append, options: options)
        XCTAssertEqual(try rows("SELECT dt, region, amount FROM sales ORDER BY dt, region"),
                       [["d1", "north", "10"], ["d1", "south", "2"], ["d2", "north", "3"]])
    }

    func testReadersSeeTheOldPartitionUntilCommitAndTheStateCommitsWithTheNewOne() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0], ["d1", 2, 2.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 3, 3.0]]))
        XCTAssertEqual(try sales(), [["d1", "1", "1"], ["d1", "2", "2"]])
        _ = try sink.commit(stateJSON: #"{"files":2}"#)
        XCTAssertEqual(try sales(), [["d1", "3", "3"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":2}"#)
    }

    func testAnAbortedLoadKeepsTheOldPartitionAndState() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 3, 3.0]]))
        try sink.abort()
        XCTAssertEqual(try sales(), [["d1", "1", "1"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":1}"#)
    }

    func testARowTheTargetRefusesAtCommitKeepsTheOldPartitionAndState() throws {
        try database.connection.execute("CREATE TABLE sales (dt text, id bigint, amount double precision CHECK (amount >= 0))")
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 2, 2.0], ["d1", 3, -1.0]]))
        let failed = callError { _ = try sink.commit(stateJSON: #"{"files":2}"#) }
        XCTAssertTrue(failed?.message.contains("check constraint") ?? false, failed?.message ?? "")
        try sink.abort()
        XCTAssertEqual(try sales(), [["d1", "1", "1"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":1}"#)
        try load(sink, "sales", schema, [[["d1", 4, 4.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["d1", "4", "4"]])
    }

    func testAnotherWriteModeIsRefusedNamingTheOption() throws {
        let error = callError {
            try self.makeSink().begin(self.request("sales", self.schema, mode: .replace, options: self.byDay))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("options.replace_partitions applies to write mode append only") ?? false,
                      error?.message ?? "")
    }

    func testAPartitionColumnMissingFromTheLoadIsRefused() throws {
        let error = callError {
            try self.makeSink().begin(self.request("sales", self.schema, mode: .append,
                                                   options: #"{"entry_options": {"replace_partitions": ["DT"]}}"#))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("column \"DT\" is not among the columns") ?? false, error?.message ?? "")
    }
}
