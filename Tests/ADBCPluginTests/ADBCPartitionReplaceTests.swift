import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import PostgresTestSupport
import TestSupport
import XCTest

/// `options.replace_partitions` through the adbc sink with the real SQLite ADBC driver: an append
/// that replaces the partitions it delivers, in the transaction that records its state.
final class ADBCSQLitePartitionReplaceTests: ADBCSinkTestCase {
    private var folder: TemporaryDirectory!
    private var database: SQLiteFile!
    private let schema = Batches.schema([("dt", .utf8), ("id", .int64), ("amount", .double)])
    private let byDay = #"{"entry_options": {"replace_partitions": ["dt"]}}"#

    override func setUpWithError() throws {
        folder = TemporaryDirectory("adbc-partitions")
        database = SQLiteFile(path: folder.path + "/warehouse.db")
    }

    private func makeSink(_ extra: String = "") throws -> SinkInstance {
        try ADBCPlugins.sink("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("sqlite"))), "options": {"uri": \(ADBCPlugins.quoted("file:" + database.path))}\(extra)}
            """)
    }

    private func sales() throws -> [[String?]] {
        try database.rows("SELECT dt, id, amount FROM sales ORDER BY dt IS NULL, dt, id")
    }

    func testARerunOfAPartitionWithFewerRowsLeavesExactlyTheNewRowsAndOtherPartitionsUntouched() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "sales", schema, [[["d1", 1, 1.5], ["d1", 2, 3.0]], [["d1", 3, 4.5], ["d2", 1, 2.0]]],
                                mode: .append, options: byDay), 4)
        XCTAssertEqual(try load(sink, "sales", schema, [[["d1", 2, 6.0]]], mode: .append, options: byDay), 1)
        XCTAssertEqual(try sales(), [["text:d1", "integer:2", "real:6.0"], ["text:d2", "integer:1", "real:2.0"]])
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_master WHERE name LIKE '\\_etl\\_stage%' ESCAPE '\\'"), [])
    }

    func testNullIsAPartitionValueOfItsOwn() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[[nil, 1, 1.0], [nil, 2, 2.0], ["d1", 1, 5.0]]], mode: .append, options: byDay)
        try load(sink, "sales", schema, [[[nil, 3, 3.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["text:d1", "integer:1", "real:5.0"], [nil, "integer:3", "real:3.0"]])
    }

    func testAPartitionWithANullInOneOfItsColumnsIsReplacedAloneAndOthersOfTheSameDayStay() throws {
        let regional = Batches.schema([("dt", .utf8), ("region", .utf8), ("amount", .double)])
        let options = #"{"entry_options": {"replace_partitions": ["dt", "region"]}}"#
        let sink = try makeSink()
        try load(sink, "sales", regional, [[["d1", "north", 1.0], ["d1", nil, 2.0], ["d1", nil, 4.0], ["d2", nil, 3.0]]],
                 mode: .append, options: options)
        try load(sink, "sales", regional, [[["d1", nil, 10.0]]], mode: .append, options: options)
        XCTAssertEqual(try database.rows("SELECT dt, region, amount FROM sales ORDER BY dt, region IS NULL, region"),
                       [["text:d1", "text:north", "real:1.0"], ["text:d1", nil, "real:10.0"], ["text:d2", nil, "real:3.0"]])
    }

    func testAnAbortedLoadKeepsTheOldPartitionAndState() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 3, 3.0]]))
        try sink.abort()
        XCTAssertEqual(try sales(), [["text:d1", "integer:1", "real:1.0"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":1}"#)
    }

    func testARowTheTargetRefusesAtCommitKeepsTheOldPartitionAndState() throws {
        try database.execute("CREATE TABLE sales (dt TEXT, id INTEGER, amount REAL CHECK (amount >= 0))")
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 2, 2.0], ["d1", 3, -1.0]]))
        let failed = callError { _ = try sink.commit(stateJSON: #"{"files":2}"#) }
        XCTAssertTrue(failed?.message.contains("the previous table and state are kept") ?? false, failed?.message ?? "")
        XCTAssertEqual(try sales(), [["text:d1", "integer:1", "real:1.0"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":1}"#)
    }

    func testWithoutTransactionsTheOptionIsRefused() throws {
        let error = callError {
            try self.makeSink(#", "transactions": "off""#).begin(self.request("sales", self.schema, mode: .append, options: self.byDay))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, "the entry cannot work with this config: validate refuses it too (check_load)")
        XCTAssertTrue(error?.message.contains("options.replace_partitions needs transactions") ?? false, error?.message ?? "")
    }

    func testAnotherWriteModeIsRefusedNamingTheOption() throws {
        let error = callError { try self.makeSink().begin(self.request("sales", self.schema, mode: .replace, options: self.byDay)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("options.replace_partitions applies to write mode append only") ?? false, error?.message ?? "")
    }
}

/// `options.replace_partitions` through the adbc sink with the real PostgreSQL ADBC driver
/// against the tests' throwaway cluster.
final class ADBCPostgresPartitionReplaceTests: ADBCSinkTestCase {
    private var database: PostgresTestDatabase!
    private let schema = Batches.schema([("dt", .utf8), ("id", .int64), ("amount", .double)])
    private let byDay = #"{"entry_options": {"replace_partitions": ["dt"]}}"#

    override func setUpWithError() throws {
        database = try PostgresTestDatabase()
    }

    override func tearDown() {
        database = nil
    }

    private func makeSink() throws -> SinkInstance {
        try ADBCPlugins.sink("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), "options": {"uri": "\(database.url())"}}
            """)
    }

    private func sales() throws -> [[String?]] {
        try database.connection.rows("SELECT dt, id, amount FROM sales ORDER BY dt NULLS LAST, id")
    }

    func testARerunOfAPartitionWithFewerRowsLeavesExactlyTheNewRowsAndOtherPartitionsUntouched() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.5], ["d1", 2, 3.0]], [["d1", 3, 4.5], ["d2", 1, 2.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try load(sink, "sales", schema, [[["d1", 2, 6.0]]], mode: .append, state: #"{"files":2}"#, options: byDay), 1)
        XCTAssertEqual(try sales(), [["d1", "2", "6"], ["d2", "1", "2"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":2}"#)
        XCTAssertEqual(try database.connection.rows("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_etl\\_stage%'"), [["0"]])
    }

    func testNullIsAPartitionValueOfItsOwn() throws {
        let sink = try makeSink()
        try load(sink, "sales", schema, [[[nil, 1, 1.0], [nil, 2, 2.0], ["d1", 1, 5.0]]], mode: .append, options: byDay)
        try load(sink, "sales", schema, [[[nil, 3, 3.0]]], mode: .append, options: byDay)
        XCTAssertEqual(try sales(), [["d1", "1", "5"], [nil, "3", "3"]])
    }

    func testAPartitionWithANullInOneOfItsColumnsIsReplacedAloneAndOthersOfTheSameDayStay() throws {
        let regional = Batches.schema([("dt", .utf8), ("region", .utf8), ("amount", .double)])
        let options = #"{"entry_options": {"replace_partitions": ["dt", "region"]}}"#
        let sink = try makeSink()
        try load(sink, "sales", regional, [[["d1", "north", 1.0], ["d1", nil, 2.0], ["d1", nil, 4.0], ["d2", nil, 3.0]]],
                 mode: .append, options: options)
        try load(sink, "sales", regional, [[["d1", nil, 10.0]]], mode: .append, options: options)
        XCTAssertEqual(try database.connection.rows("SELECT dt, region, amount FROM sales ORDER BY dt, region NULLS LAST"),
                       [["d1", "north", "1"], ["d1", nil, "10"], ["d2", nil, "3"]])
    }

    func testAFailedLoadKeepsTheOldPartitionAndState() throws {
        try database.connection.execute("CREATE TABLE sales (dt text, id bigint, amount double precision CHECK (amount >= 0))")
        let sink = try makeSink()
        try load(sink, "sales", schema, [[["d1", 1, 1.0]]], mode: .append, state: #"{"files":1}"#, options: byDay)
        try sink.begin(request("sales", schema, mode: .append, options: byDay))
        try sink.write(try Batches.make(schema, [["d1", 2, 2.0], ["d1", 3, -1.0]]))
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: #"{"files":2}"#) })
        XCTAssertEqual(try sales(), [["d1", "1", "1"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"files":1}"#)
    }
}
