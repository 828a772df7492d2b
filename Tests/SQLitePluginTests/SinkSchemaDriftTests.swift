import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// Source schemas change: new columns are added, type conflicts stop the load with a clear message.
final class SinkSchemaDriftTests: SinkTestCase {
    func testANewSourceColumnIsAddedToTheTable() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64)]), [[[1]]], mode: .append)
        try load(sink, "events", Batches.schema([("id", .int64), ("note", .utf8)]), [[[2, "new"]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT name, type FROM pragma_table_info('events')"), [["id", "INTEGER"], ["note", "TEXT"]])
        XCTAssertEqual(try database.rows("SELECT id, note FROM events ORDER BY id"), [["1", "NULL"], ["2", "new"]])
    }

    func testAColumnMissingFromTheSourceIsLeftNullInAppends() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64), ("note", .utf8)]), [[[1, "a"]]], mode: .append)
        try load(sink, "events", Batches.schema([("id", .int64)]), [[[2]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT id, note FROM events ORDER BY id"), [["1", "a"], ["2", "NULL"]])
    }

    func testATypeConflictIsABadDataErrorNamingTableColumnBothTypesAndTheFix() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64), ("age", .int64)]), [[[1, 30]]], mode: .append)
        let changed = Batches.schema([("id", .int64), ("age", .utf8)])
        let error = callError { try sink.begin(self.request("events", changed, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("target \"events\" in \(path!)"), message)
        XCTAssertTrue(message.contains("column \"age\" is declared INTEGER"), message)
        XCTAssertTrue(message.contains("sends utf8 values (which need TEXT)"), message)
        XCTAssertTrue(message.contains("full refresh"), message)
    }

    func testATypeConflictLeavesTheTableUntouched() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64)]), [[[1]]], mode: .append)
        let changed = Batches.schema([("id", .utf8), ("extra", .utf8)])
        _ = callError { try sink.begin(self.request("events", changed, mode: .append)) }
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_table_info('events')"), [["id"]])
        // The sink is usable again afterwards.
        try load(sink, "events", Batches.schema([("id", .int64)]), [[[2]]], mode: .append)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM events"), "2")
    }

    func testColumnsOfAUserCreatedTableWithWiderTypeNamesAreAccepted() throws {
        try database.execute("CREATE TABLE events (id BIGINT, name VARCHAR(20), at DATETIME, amount DECIMAL(10,2))")
        let schema = Batches.schema([("id", .int64), ("name", .utf8), ("at", .timestampMicrosecondsUTC), ("amount", .double)])
        try load(try makeSink(), "events", schema, [[[1, "a", .timestamp(micros: 0), 2.5]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT id, name, at, amount FROM events"), [["1", "a", "1970-01-01 00:00:00.000000", "2.5"]])
    }

    func testASchemaChangeMadeByAnotherConnectionBetweenLoadsIsNoticed() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64)]), [[[1]]], mode: .append)
        try database.execute("DROP TABLE events; CREATE TABLE events (id TEXT)")
        let error = callError { try sink.begin(self.request("events", Batches.schema([("id", .int64)]), mode: .append)) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
    }
}
