import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// The entry's resume state commits in the same transaction as its rows.
final class SinkStateTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64)])

    func testCommittedStateIsReadBack() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append, state: #"{"cursor":1}"#, entry: "orders")
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"cursor":1}"#)
        XCTAssertEqual(try makeSink().readState(entryID: "orders"), #"{"cursor":1}"#)
    }

    func testReadStateIsNilForAnEntryThatNeverCommitted() throws {
        XCTAssertNil(try makeSink().readState(entryID: "never"))
    }

    func testTheStateRowRecordsRunTargetAndRows() throws {
        try load(try makeSink(), "t", schema, [[[1], [2]]], mode: .append, state: "{}", entry: "orders")
        XCTAssertEqual(try database.rows("SELECT entry_id, state_json, run_id, target, rows FROM _etl_state"),
                       [["orders", "{}", "run-1", "t", "2"]])
        XCTAssertFalse(try database.scalar("SELECT committed_at FROM _etl_state").isEmpty)
    }

    func testAnAbortedLoadStoresNeitherRowsNorState() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "orders")
        try sink.begin(request("t", schema, mode: .append, entry: "orders"))
        try sink.write(try Batches.make(schema, [[2]]))
        try sink.abort()
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM t"), "1")
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"n":1}"#)
    }

    func testStateAndRowsBecomeVisibleTogetherAtCommit() throws {
        let sink = try makeSink()
        try sink.begin(request("t", schema, mode: .append, entry: "orders"))
        try sink.write(try Batches.make(schema, [[1]]))
        // Before commit another connection sees neither the state table nor the rows.
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_schema WHERE name IN ('t', '_etl_state')"), [])
        _ = try sink.commit(stateJSON: #"{"n":1}"#)
        XCTAssertEqual(try database.scalar("SELECT state_json FROM _etl_state"), #"{"n":1}"#)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM t"), "1")
    }

    func testEveryBatchMayBeItsOwnLoadWithItsOwnState() throws {
        let sink = try makeSink()
        for batch in 1...5 {
            try load(sink, "t", schema, [[[Cell.int(Int64(batch))]]], mode: .append, state: #"{"batch":\#(batch)}"#, entry: "orders")
        }
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM t"), "5")
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"batch":5}"#)
    }
}
