import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import TestSupport
import XCTest

/// Full reads, discovery and value conversion.
final class SourceReadTests: SourceTestCase {
    func testAFullReadReturnsEveryRowInBoundedBatches() throws {
        try database.execute("CREATE TABLE items (id INTEGER, name TEXT)")
        try database.execute("INSERT INTO items VALUES " + (1...25).map { "(\($0), 'n\($0)')" }.joined(separator: ","))
        let outcome = try readAll(try makeSource(#""table": "items""#), stream: "items", batchSize: 10)
        XCTAssertEqual(outcome.rows.count, 25)
        XCTAssertEqual(outcome.rows.first, ["1", "n1"])
        XCTAssertEqual(outcome.batches, [10, 10, 5])
        XCTAssertNil(outcome.state)
    }

    func testMaxRecordsStopsTheRead() throws {
        try database.execute("CREATE TABLE items (id INTEGER); INSERT INTO items VALUES (1), (2), (3), (4)")
        let outcome = try readAll(try makeSource(#""table": "items""#), stream: "items", maxRecords: 3)
        XCTAssertEqual(outcome.rows, [["1"], ["2"], ["3"]])
    }

    func testDiscoverMapsDeclaredTypes() throws {
        try database.execute("""
            CREATE TABLE typed (i INTEGER, big BIGINT, r REAL, f FLOAT, t TEXT, v VARCHAR(10), b BLOB, d DATE,
            ts TIMESTAMP, dt DATETIME, flag BOOLEAN, n NUMERIC, untyped)
            """)
        let streams = try makeSource(#""table": "typed""#).discover()
        XCTAssertEqual(streams.map(\.name), ["typed"])
        XCTAssertEqual(streams[0].schema.fields.map(\.type),
                       [.int64, .int64, .double, .double, .utf8, .utf8, .binary, .utf8, .utf8, .utf8, .bool, .double, .utf8])
    }

    func testDiscoverOfAQueryUsesDeclaredTypesThenTheFirstRowsStorageClasses() throws {
        try database.execute("CREATE TABLE orders (id INTEGER, amount REAL); INSERT INTO orders VALUES (1, 2.5)")
        let source = try makeSource(#""query": "SELECT id, amount * 2 AS doubled, 'x' || id AS label FROM orders;", "stream": "recent""#)
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["recent"])
        XCTAssertEqual(streams[0].schema.fields.map(\.name), ["id", "doubled", "label"])
        XCTAssertEqual(streams[0].schema.fields.map(\.type), [.int64, .double, .utf8])
        XCTAssertEqual(try readAll(source, stream: "recent").rows, [["1", "5.0", "x1"]])
    }

    func testColumnOverridesReadTimestampsAndDatesFromText() throws {
        try database.execute("CREATE TABLE events (at TEXT, day TEXT); INSERT INTO events VALUES ('2024-02-29 13:45:07.000123', '1969-12-31'), ('2024-02-29T13:45:07Z', '2000-01-01')")
        let source = try makeSource(#""table": "events", "columns": {"at": "timestamp", "day": "date"}"#)
        XCTAssertEqual(try source.discover()[0].schema.fields.map(\.type), [.timestampMicrosecondsUTC, .date32])
        XCTAssertEqual(try readAll(source, stream: "events").rows,
                       [["1709214307000123", "-1"], ["1709214307000000", "10957"]])
    }

    func testAValueThatDoesNotFitItsColumnTypeIsRejectedWithItsReason() throws {
        try database.execute("CREATE TABLE people (id INTEGER, age INTEGER); INSERT INTO people VALUES (1, 30), (2, 'thirty'), (3, 40)")
        let outcome = try readAll(try makeSource(#""table": "people""#), stream: "people")
        XCTAssertEqual(outcome.rows, [["1", "30"], ["3", "40"]])
        XCTAssertEqual(outcome.rejects.count, 1)
        XCTAssertTrue(outcome.rejects[0].reason.contains("column \"age\" holds text 'thirty', which is not a int64 value"), outcome.rejects[0].reason)
        XCTAssertEqual(outcome.rejects[0].raw, "id=2, age=thirty")
        XCTAssertTrue(outcome.rejects[0].position.hasSuffix("stream people, row 2"), outcome.rejects[0].position)
    }

    func testInvalidUTF8TextIsRejectedNotRepaired() throws {
        try database.execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('fine'), (CAST(x'66ff' AS TEXT))")
        let outcome = try readAll(try makeSource(#""table": "notes""#), stream: "notes")
        XCTAssertEqual(outcome.rows, [["fine"]])
        XCTAssertEqual(outcome.rejects.count, 1)
    }

    func testTimestampsWrittenByTheSinkReadBackExactly() throws {
        let sink = try SQLitePlugins.sink(path: path)
        let schema = Batches.schema([("at", .timestampMicrosecondsUTC), ("day", .date32), ("ok", .bool)])
        try sink.begin(LoadRequest(entryID: "e", runID: "r", target: "copy", writeMode: .replace, schema: schema))
        try sink.write(try Batches.make(schema, [[.timestamp(micros: -1_234_567), .date(days: 19_000), true]]))
        _ = try sink.commit(stateJSON: nil)
        let source = try makeSource(#""table": "copy", "columns": {"at": "timestamp", "day": "date", "ok": "bool"}"#)
        XCTAssertEqual(try readAll(source, stream: "copy").rows, [["-1234567", "19000", "true"]])
    }

    func testAMissingTableIsAConfigErrorListingTheTables() throws {
        try database.execute("CREATE TABLE orders (id INTEGER)")
        let source = try makeSource(#""table": "order""#)
        XCTAssertThrowsError(try source.check()) { error in
            let message = (error as? PluginCallError)?.message ?? ""
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG)
            XCTAssertTrue(message.contains("its tables and views are orders"), message)
        }
    }

    func testAQueryThatWritesIsRefused() throws {
        try database.execute("CREATE TABLE orders (id INTEGER)")
        let source = try makeSource(#""query": "DELETE FROM orders", "stream": "x""#)
        XCTAssertThrowsError(try source.check())
    }

    func testTheSourceAdvertisesIncrementalDiscoverAndPositions() throws {
        XCTAssertEqual(Set(try SQLitePlugins.sourcePlugin().info.capabilities), ["incremental", "discover", "positions"])
    }
}

/// The sqlite source reads timestamp text as the csv and http plugins do (one shared reading).
final class SourceSharedTimestampTests: SourceTestCase {
    func testTheSQLiteSourceAcceptsExactlyTheSharedISO8601Forms() throws {
        let texts = TimestampForms.accepted.map(\.text) + TimestampForms.refused
        try database.execute("CREATE TABLE events (at TEXT)")
        try database.execute("INSERT INTO events VALUES " + texts.map { "('\($0)')" }.joined(separator: ", "))
        let outcome = try readAll(try makeSource(#""table": "events", "columns": {"at": "timestamp"}"#), stream: "events")
        XCTAssertEqual(outcome.rows, TimestampForms.accepted.map { [String($0.micros)] })
        XCTAssertEqual(outcome.rejects.count, TimestampForms.refused.count)
    }
}
