import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import TestSupport
import XCTest

/// The adbc sink with the real SQLite ADBC driver (adbc-driver-sqlite wheel), read back with the
/// sqlite3 library.
final class ADBCSQLiteSinkTests: ADBCSinkTestCase {
    private var folder: TemporaryDirectory!
    private var database: SQLiteFile!
    private let schema = Batches.schema([("id", .int64), ("name", .utf8), ("score", .double)])

    override func setUpWithError() throws {
        folder = TemporaryDirectory("adbc-sqlite")
        database = SQLiteFile(path: folder.path + "/warehouse.db")
    }

    private func makeSink(_ extra: String = "") throws -> SinkInstance {
        try ADBCPlugins.sink("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("sqlite"))), "options": {"uri": \(ADBCPlugins.quoted("file:" + database.path))}\(extra)}
            """)
    }

    func testEveryABITypeTheDriverTakesIsStoredWithItsExactValue() throws {
        let types = Batches.schema([("flag", .bool), ("count", .int64), ("ratio", .double), ("label", .utf8), ("payload", .binary),
                                    ("seen_at", .timestampMicrosecondsUTC), ("day", .date32), ("missing", .null)])
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "typed", types, [
            [[true, .int(Int64.min), 1.5, "héllo", .blob([0, 1, 255]), .timestamp(micros: 1_700_000_000_123_456), .date(days: 19_000), nil]],
            [[false, .int(Int64.max), -2.25e300, "", .blob([]), .timestamp(micros: -1), .date(days: -1), nil],
             [nil, nil, nil, nil, nil, nil, nil, nil]],
        ], mode: .replace), 3)
        XCTAssertEqual(try database.rows("SELECT flag, count, ratio, label, payload, seen_at, day, missing FROM typed ORDER BY rowid"), [
            ["integer:1", "integer:-9223372036854775808", "real:1.5", "text:héllo", "blob:0001ff", "text:2023-11-14T22:13:20.123456", "text:2022-01-08", nil],
            ["integer:0", "integer:9223372036854775807", "real:-2.25e+300", "text:", "blob:", "text:1969-12-31T23:59:59.999999", "text:1969-12-31", nil],
            [nil, nil, nil, nil, nil, nil, nil, nil],
        ])
    }

    func testAppendAddsRowsAndCreatesTheTableTheFirstTime() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append), 1)
        XCTAssertEqual(try load(sink, "scores", schema, [[[2, "b", 2.0]], [[3, "c", 3.0]]], mode: .append), 2)
        XCTAssertEqual(try database.rows("SELECT id, name FROM scores ORDER BY id"),
                       [["integer:1", "text:a"], ["integer:2", "text:b"], ["integer:3", "text:c"]])
    }

    func testReplaceLeavesExactlyTheRowsOfTheLastLoad() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace)
        XCTAssertEqual(try load(sink, "scores", schema, [[[3, "c", 3.0]], [[4, "d", 4.0]]], mode: .replace), 2)
        XCTAssertEqual(try database.rows("SELECT id FROM scores ORDER BY id"), [["integer:3"], ["integer:4"]])
        // The staging table was renamed, not left behind.
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_master WHERE name LIKE '\\_etl\\_stage%' ESCAPE '\\'"), [])
    }

    func testReplaceWithNoRowsEmptiesTheTable() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .replace)
        XCTAssertEqual(try load(sink, "scores", schema, [], mode: .replace), 0)
        XCTAssertEqual(try database.rows("SELECT count(*) FROM scores"), [["integer:0"]])
    }

    func testAnAbortedReplaceKeepsThePreviousTableWhole() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace, state: "{\"run\": 1}")
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[3, "c", 3.0]]))
        try sink.abort()
        XCTAssertEqual(try database.rows("SELECT id FROM scores ORDER BY id"), [["integer:1"], ["integer:2"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"run\": 1}")
    }

    func testAReplaceTheDriverRefusesMidwayCommitsNothing() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .replace, state: "{\"run\": 1}")
        // The SQLite driver has no decimal128: the load fails at its first batch.
        let money = Batches.schema([("id", .int64), ("amount", .decimal128(precision: 12, scale: 2))])
        try sink.begin(request("scores", money, mode: .replace))
        let error = callError { try sink.write(try Batches.make(money, [[2, .decimal(1234, scale: 2)]])) }
        XCTAssertTrue(error?.message.contains("decimal128") ?? false, error?.message ?? "")
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: "{\"run\": 2}") })
        try sink.abort()
        XCTAssertEqual(try database.rows("SELECT id FROM scores"), [["integer:1"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"run\": 1}")
    }

    func testStateCommitsWithTheRowsAndReadsBack() throws {
        let sink = try makeSink()
        XCTAssertNil(try sink.readState(entryID: "entry"))
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append, state: "{\"offset\": 1}")
        try load(sink, "scores", schema, [[[2, "b", 2.0]]], mode: .append, state: "{\"offset\": 2}")
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"offset\": 2}")
        XCTAssertEqual(try database.rows("SELECT entry_id, state_json, run_id, target, rows FROM _etl_state"),
                       [["text:entry", "text:{\"offset\": 2}", "text:run-1", "text:scores", "integer:1"]])
        // A new instance (the next run) reads the same state.
        XCTAssertEqual(try makeSink().readState(entryID: "entry"), "{\"offset\": 2}")
    }

    func testAnAbortedAppendAfterAFailureLeavesNeitherRowsNorStateSoARerunDoesNotDuplicate() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append, state: "{\"offset\": 1}")
        try sink.begin(request("scores", schema, mode: .append))
        try sink.write(try Batches.make(schema, [[2, "b", 2.0]]))
        try sink.abort()
        // The rerun resumes from the committed state and loads row 2 exactly once.
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"offset\": 1}")
        try load(sink, "scores", schema, [[[2, "b", 2.0]]], mode: .append, state: "{\"offset\": 2}")
        XCTAssertEqual(try database.rows("SELECT id FROM scores ORDER BY id"), [["integer:1"], ["integer:2"]])
    }

    func testMergeAndSCD2AreRefusedBeforeAnythingIsWritten() throws {
        let sink = try makeSink()
        for mode in [WriteMode.merge, .scd2] {
            let error = callError { try sink.begin(self.request("scores", self.schema, mode: mode)) }
            XCTAssertEqual(error?.status, ETL_UNSUPPORTED, "\(mode)")
        }
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_master WHERE name = 'scores'"), [])
    }

    func testPostSQLRunsAndCommits() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append)
        try sink.executeSQL("CREATE TABLE summary AS SELECT count(*) AS n FROM scores")
        XCTAssertEqual(try database.rows("SELECT n FROM summary"), [["integer:1"]])
    }

    func testWithTransactionsOffTheDriversOwnModesLoadAndTheRuntimeKeepsTheState() throws {
        let sink = try makeSink(", \"transactions\": \"off\"")
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace, state: "{\"offset\": 2}")
        try load(sink, "scores", schema, [[[3, "c", 3.0]]], mode: .append, state: "{\"offset\": 3}")
        try load(sink, "scores", schema, [[[4, "d", 4.0]], [[5, "e", 5.0]]], mode: .replace, state: "{\"offset\": 5}")
        XCTAssertEqual(try database.rows("SELECT id FROM scores ORDER BY id"), [["integer:4"], ["integer:5"]])
        // No SQL of ours ran: no state table, and the runtime is told to keep the state itself.
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_master WHERE name = '_etl_state'"), [])
        XCTAssertEqual(callError { _ = try sink.readState(entryID: "entry") }?.status, ETL_UNSUPPORTED)
    }
}
