import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import PostgresTestSupport
import TestSupport
import XCTest

/// The adbc source: a query through the real SQLite and PostgreSQL drivers, each column
/// converted to the ABI's types.
final class ADBCSourceTests: XCTestCase {
    private func sqliteSource(_ path: String, _ extra: String) throws -> SourceInstance {
        try ADBCPlugins.source("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("sqlite"))), "options": {"uri": \(ADBCPlugins.quoted("file:" + path))}, \(extra)}
            """)
    }

    func testASQLiteQueryIsReadInBatchesOfTheRequestedSize() throws {
        let folder = TemporaryDirectory("adbc-source")
        let file = SQLiteFile(path: folder.path + "/data.db")
        try file.execute("""
            CREATE TABLE people (id INTEGER, name TEXT, score REAL, photo BLOB);
            INSERT INTO people VALUES (1, 'Ana', 1.5, x'00ff'), (2, 'Bo', NULL, NULL), (3, 'Cy', -2.0, x''),
                                      (4, 'Di', 0.25, x'01'), (5, NULL, 3.0, x'02');
            """)
        let source = try sqliteSource(file.path, "\"query\": \"SELECT id, name, score, photo FROM people ORDER BY id\", \"stream\": \"people\"")
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["people"])
        XCTAssertEqual(streams.first?.schema.fields.map(\.type), [.int64, .utf8, .double, .binary])
        let result = try source.readAll(ReadRequest(entryID: "e", stream: "people", batchSize: 2))
        XCTAssertEqual(result.batches.map(\.count), [2, 2, 1])
        XCTAssertEqual(result.rows.map { Array($0.prefix(3)) }, [
            ["1", "Ana", "1.5"], ["2", "Bo", nil], ["3", "Cy", "-2.0"], ["4", "Di", "0.25"], ["5", nil, "3.0"],
        ])
        XCTAssertEqual(result.checkpoints, [nil, nil, nil])
    }

    func testATableIsReadWholeAndMaxRecordsStopsEarly() throws {
        let folder = TemporaryDirectory("adbc-source")
        let file = SQLiteFile(path: folder.path + "/data.db")
        try file.execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);")
        let source = try sqliteSource(file.path, "\"table\": \"t\"")
        XCTAssertEqual(try source.readAll(ReadRequest(entryID: "e", stream: "t", batchSize: 10, maxRecords: 2)).rows, [["1"], ["2"]])
    }

    func testSQLTheDatabaseRefusesIsQuotedWithTheDriversReason() throws {
        let folder = TemporaryDirectory("adbc-source")
        let source = try sqliteSource(folder.path + "/data.db", "\"query\": \"SELEC id FROM nowhere\"")
        XCTAssertThrowsError(try source.readAll(ReadRequest(entryID: "e", stream: "query"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("running the query \"SELEC id FROM nowhere\" failed"), message)
            XCTAssertTrue(message.contains("syntax error"), message)
        }
    }

    func testAnIncrementalReadIsRefusedAtCheckTime() throws {
        let folder = TemporaryDirectory("adbc-source")
        let file = SQLiteFile(path: folder.path + "/data.db")
        try file.execute("CREATE TABLE t (n INTEGER);")
        let source = try sqliteSource(file.path, "\"table\": \"t\"")
        XCTAssertThrowsError(try source.checkRead(ReadRequest(entryID: "e", stream: "t", cursorField: "n"))) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG)
            XCTAssertTrue("\(error)".contains("reads in full only"), "\(error)")
        }
    }

    func testPostgresColumnsAreConvertedToTheABITypes() throws {
        let database = try PostgresTestDatabase()
        try database.connection.execute("""
            CREATE TABLE mixed (small smallint, medium integer, big bigint, single real, twice double precision,
                                exact numeric(12, 3), name varchar(20), body text, raw bytea, ok boolean, day date,
                                local_time timestamp, zoned timestamptz);
            INSERT INTO mixed VALUES (-32768, 2147483647, -9223372036854775808, 1.5, 0.1, 12345.678, 'é', 'long', '\\x00ff', true,
                                      '1969-12-31', '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56.789012+02'),
                                     (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """)
        let source = try ADBCPlugins.source("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), "options": {"uri": "\(database.url())"}, "table": "mixed"}
            """)
        let types: [ArrowColumnType] = [.int64, .int64, .int64, .double, .double, .utf8, .utf8, .utf8, .binary, .bool,
                                        .date32, .timestampMicrosecondsUTC, .timestampMicrosecondsUTC]
        XCTAssertEqual(try source.discover().first?.schema.fields.map(\.type), types)
        let result = try source.readAll(ReadRequest(entryID: "e", stream: "mixed"))
        XCTAssertEqual(result.schema.fields.map(\.type), types)
        // 2024-02-29 12:34:56.789012 UTC = 1709210096789012 µs; the zoned one is two hours earlier.
        XCTAssertEqual(result.rows, [
            ["-32768", "2147483647", "-9223372036854775808", "1.5", "0.1", "12345.678", "é", "long", "\u{0}\u{FFFD}", "true",
             "-1", "1709210096789012", "1709202896789012"],
            Array(repeating: nil, count: 13),
        ])
    }

    func testAColumnTypeTheABICannotCarryIsNamedWithTheFix() throws {
        let database = try PostgresTestDatabase()
        let source = try ADBCPlugins.source("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), "options": {"uri": "\(database.url())"},
             "query": "SELECT 1 AS id, ARRAY[1, 2] AS tags"}
            """)
        XCTAssertThrowsError(try source.readAll(ReadRequest(entryID: "e", stream: "query"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("column \"tags\" has the Arrow type list (+l)"), message)
            XCTAssertTrue(message.contains("CAST(tags AS TEXT)"), message)
        }
    }
}
