import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import PostgresTestSupport
import XCTest

/// The server crashes and restarts (`pg_ctl restart -m immediate`) in the middle of a load: the
/// load fails, the target and `_etl_state` are as before it, and the same sink instance then
/// reconnects and a rerun from the kept state loads every row exactly once.
final class PostgresSinkServerRestartTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])

    private func rows(_ range: Range<Int64>) -> [[Cell]] { range.map { [.int($0), .text("row \($0)")] } }

    private func state(_ next: Int64) -> String { #"{"next": \#(next)}"# }

    /// Loads 0..<100, then restarts the server after the first batch of the load of 100..<200,
    /// checks nothing of it stayed, then resumes from the stored state.
    private func restartMidLoad(mode: WriteMode, key: [String] = [], countQuery: String) throws {
        let sink = try makeSink()
        try load(sink, "items", schema, [rows(0..<100)], mode: mode, key: key, state: state(100))
        // The cluster commits asynchronously: make the first load durable before the crash.
        try database.connection.execute("CHECKPOINT")
        let before = try self.rows(countQuery)

        try sink.begin(request("items", schema, mode: mode, key: key))
        try sink.write(try Batches.make(schema, rows(100..<150)))
        try database.server.restartImmediately()
        let failed = callError {
            try sink.write(try Batches.make(self.schema, self.rows(150..<200)))
            _ = try sink.commit(stateJSON: self.state(200))
        }
        XCTAssertEqual(failed?.status, ETL_IO_ERROR, "a lost server is an I/O error, which the runtime may retry")
        XCTAssertTrue(failed?.message.contains("server closed the connection") ?? false, failed?.message ?? "")
        try? sink.abort()

        let inspector = try PostgresTestConnection(database.keywords)
        XCTAssertEqual(try inspector.rows(countQuery), before, "the target is as before the load")
        XCTAssertEqual(try inspector.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'entry'"), state(100))

        // The rerun: the same sink reconnects, reads the kept state and loads the rest.
        let resumed = try XCTUnwrap(try sink.readState(entryID: "entry"))
        XCTAssertEqual(resumed, state(100))
        try load(sink, "items", schema, [rows(100..<150), rows(150..<200)], mode: mode, key: key, state: state(200))
        XCTAssertEqual(try inspector.rows(countQuery), [["200", "200", "0", "199"]], "every row exactly once")
        XCTAssertEqual(try inspector.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'entry'"), state(200))
    }

    func testALoadAfterTheServerRestartedBetweenLoadsReconnectsInsteadOfFailing() throws {
        let sink = try makeSink()
        try load(sink, "items", schema, [rows(0..<10)], mode: .append, state: state(10))
        try database.server.restartImmediately()
        try load(sink, "items", schema, [rows(10..<20)], mode: .append, state: state(20))
        XCTAssertEqual(try PostgresTestConnection(database.keywords).scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'entry'"),
                       state(20))
    }

    func testASwapCutByAServerRestartLeavesTheOldTableAndStateAndTheRerunDropsTheStagingTable() throws {
        let bySwap = #"{"entry_options": {"replace_by": "swap"}}"#
        let sink = try makeSink()
        try load(sink, "items", schema, [rows(0..<100)], mode: .replace, state: state(100), options: bySwap)
        try database.connection.execute("CHECKPOINT")

        try sink.begin(request("items", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, rows(100..<150)))
        try database.server.restartImmediately()
        let failed = callError {
            try sink.write(try Batches.make(self.schema, self.rows(150..<200)))
            _ = try sink.commit(stateJSON: self.state(200))
        }
        XCTAssertEqual(failed?.status, ETL_IO_ERROR, failed?.message ?? "")
        try? sink.abort()

        let inspector = try PostgresTestConnection(database.keywords)
        XCTAssertEqual(try inspector.rows("SELECT count(*), min(id), max(id) FROM items"), [["100", "0", "99"]])
        XCTAssertEqual(try inspector.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'entry'"), state(100))
        try load(sink, "items", schema, [rows(100..<150), rows(150..<200)], mode: .replace, state: state(200), options: bySwap)
        XCTAssertEqual(try inspector.rows("SELECT count(*), min(id), max(id) FROM items"), [["100", "100", "199"]])
        XCTAssertEqual(try inspector.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'entry'"), state(200))
        XCTAssertEqual(try inspector.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_etl\\_swap\\_%'"), "0")
    }

    func testAnAppendCutByAServerRestartLeavesTargetAndStateAsBeforeAndARerunLoadsEveryRowOnce() throws {
        try restartMidLoad(mode: .append, countQuery: "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM items")
    }

    func testAMergeCutByAServerRestartLeavesTargetAndStateAsBeforeAndARerunLoadsEveryKeyOnce() throws {
        try restartMidLoad(mode: .merge, key: ["id"], countQuery: "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM items")
    }

    func testAnScd2LoadCutByAServerRestartLeavesHistoryAndStateAsBeforeAndARerunAddsEveryVersionOnce() throws {
        try restartMidLoad(mode: .scd2, key: ["id"],
                           countQuery: "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM items WHERE _is_current")
    }
}
