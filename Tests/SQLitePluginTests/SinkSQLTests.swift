import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// `execute_sql` runs an entry's post_sql in its own transaction.
final class SinkSQLTests: SinkTestCase {
    func testPostSQLRunsAgainstTheWarehouse() throws {
        let sink = try makeSink()
        try load(sink, "t", Batches.schema([("id", .int64)]), [[[1], [2]]], mode: .append)
        try sink.executeSQL("CREATE TABLE summary AS SELECT count(*) AS n FROM t; CREATE INDEX t_id ON t (id)")
        XCTAssertEqual(try database.scalar("SELECT n FROM summary"), "2")
    }

    func testFailingPostSQLIsAConfigErrorAndChangesNothing() throws {
        let sink = try makeSink()
        let error = callError { try sink.executeSQL("CREATE TABLE a (x); SELEC oops") }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("syntax error") ?? false, error?.message ?? "")
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_schema WHERE name = 'a'"), [])
    }

    func testTheSinkAdvertisesItsCapabilities() throws {
        let info = try SQLitePlugins.sinkPlugin().info
        XCTAssertEqual(Set(info.capabilities), ["replace", "append", "merge", "scd2", "transactional", "sql", "models", "deletes"])
    }

    func testAnUnknownConfigKeyIsRefused() throws {
        let error = callError { _ = try SQLitePlugins.sink(path: self.path, extraConfig: #", "journal": "wal""#) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("unknown key \"journal\"") ?? false, error?.message ?? "")
    }

    func testJournalModeDeleteTurnsAWALWarehouseBackToARollbackJournal() throws {
        try load(try makeSink(), "t", Batches.schema([("id", .int64)]), [[[1]]], mode: .append)
        database = nil
        let sink = try makeSink(#", "journal_mode": "delete", "synchronous": "full""#)
        try load(sink, "t", Batches.schema([("id", .int64)]), [[[2]]], mode: .append)
        XCTAssertEqual(try TestDatabase(path).scalar("PRAGMA journal_mode"), "delete")
    }
}
