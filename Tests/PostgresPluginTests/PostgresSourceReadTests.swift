import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import XCTest

/// Full reads of the `postgres` source: each PostgreSQL type as its Arrow type, bounded
/// batches, one snapshot per read, discover, and the config's refusals.
final class PostgresSourceReadTests: PostgresSourceTestCase {
    func testEachPostgreSQLTypeIsReadAsItsArrowType() throws {
        try execute("""
            CREATE TABLE t (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, b bool, t text, v varchar(10), c char(3), n name,
                            raw bytea, tz timestamptz, ts timestamp, d date, amount numeric(12,2), wide numeric(50,3),
                            free numeric, doc jsonb, id uuid);
            INSERT INTO t VALUES (-2, 40000, 9000000000, 1.5, 2.25, true, 'héllo', 'var', 'ab', 'nm', '\\x00ff',
                                  '2024-05-01 12:00:00+02', '2024-05-01 12:00:00', '2024-05-01', -1234567890.05,
                                  12345678901234567890123456789012345678901234.567, 1.50, '{"a": 1}',
                                  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
            INSERT INTO t (i4) VALUES (NULL);
            """)
        let outcome = try readAll(try makeSource(#", "table": "t""#), stream: "t")
        let types = outcome.schema?.fields.map(\.type)
        XCTAssertEqual(types, [.int64, .int64, .int64, .double, .double, .bool, .utf8, .utf8, .utf8, .utf8, .binary,
                               .timestampMicrosecondsUTC, .timestampMicrosecondsUTC, .date32, .decimal128(precision: 12, scale: 2),
                               .utf8, .utf8, .utf8, .utf8])
        XCTAssertEqual(outcome.schema?.fields.filter(\.isJSON).map(\.name), ["doc"], "jsonb is read as JSON text (arrow.json)")
        XCTAssertEqual(outcome.rows.first, ["-2", "40000", "9000000000", "1.5", "2.25", "true", "héllo", "var", "ab ", "nm", "0,255",
                                            "1714557600000000", "1714564800000000", "19844", "-1234567890.05",
                                            "12345678901234567890123456789012345678901234.567", "1.50", #"{"a": 1}"#,
                                            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])
        XCTAssertEqual(outcome.rows.last, Array(repeating: "NULL", count: 19))
    }

    func testNumericValuesKeepEveryDigitAtTheColumnsScale() throws {
        try execute("CREATE TABLE t (x numeric(38,10)); INSERT INTO t VALUES (0), (0.0000000001), (-9999.5), (1234567890123456789012345678.0123456789), (10000)")
        let outcome = try readAll(try makeSource(#", "table": "t""#), stream: "t")
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["0.0000000000", "0.0000000001", "-9999.5000000000",
                                                     "1234567890123456789012345678.0123456789", "10000.0000000000"])
    }

    func testAValueWithoutAnArrowCounterpartRejectsItsRowAndTheReadGoesOn() throws {
        try execute("CREATE TABLE t (id int, at timestamptz); INSERT INTO t VALUES (1, '2024-01-01'), (2, 'infinity'), (3, '2024-01-02')")
        let outcome = try readAll(try makeSource(#", "table": "t""#), stream: "t")
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["1", "3"])
        XCTAssertEqual(outcome.rejects.count, 1)
        XCTAssertTrue(outcome.rejects.first?.reason.contains("infinity") ?? false, "\(outcome.rejects)")
        XCTAssertTrue(outcome.rejects.first?.raw.hasPrefix("id=2,") ?? false, "\(outcome.rejects)")
    }

    func testA200kRowTableStreamsInBatchesNoLargerThanAsked() throws {
        try execute("CREATE TABLE big AS SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 200000) g")
        let outcome = try readAll(try makeSource(#", "table": "big""#), stream: "big", batchSize: 8_192)
        XCTAssertEqual(outcome.batches.reduce(0, +), 200_000)
        XCTAssertLessThanOrEqual(outcome.batches.max() ?? 0, 8_192)
        XCTAssertEqual(outcome.batches.count, 25, "200000 rows in batches of 8192")
        XCTAssertEqual(Set(outcome.rows.map { $0[0] }).count, 200_000)
    }

    func testMaxBatchBytesBoundsBatchesOfWideRows() throws {
        try execute("CREATE TABLE wide AS SELECT g AS id, repeat('x', 1000) AS filler FROM generate_series(1, 2000) g")
        let outcome = try readAll(try makeSource(#", "table": "wide""#), stream: "wide", batchSize: 100_000, maxBatchBytes: 64 * 1024)
        XCTAssertEqual(outcome.batches.reduce(0, +), 2_000)
        XCTAssertGreaterThan(outcome.batches.count, 20, "about 64 rows of 1 kB per batch: \(outcome.batches)")
        XCTAssertLessThanOrEqual(outcome.batches.max() ?? 0, 70)
    }

    func testPositionsNameTheServerStreamAndRow() throws {
        try execute("CREATE TABLE t (id int); INSERT INTO t VALUES (5), (6)")
        let outcome = try readAll(try makeSource(#", "table": "t""#), stream: "t", options: #"{"positions": true}"#)
        XCTAssertEqual(outcome.schema?.fields.map(\.name), ["id", "_etl_position"])
        XCTAssertEqual(outcome.rows.map { $0[1] }, ["postgresql etl@\(database.server.socketFolder):\(database.server.port)/\(database.name): stream t, row 1",
                                                    "postgresql etl@\(database.server.socketFolder):\(database.server.port)/\(database.name): stream t, row 2"])
    }

    func testAnUnsetPasswordVariableIsRefusedLikeTheSinks() throws {
        XCTAssertThrowsError(try makeSource(#", "table": "t", "password_env": "ETL_TEST_UNSET_PG_SOURCE_PASSWORD""#)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
            XCTAssertTrue("\(error)".contains("password_env names the variable ETL_TEST_UNSET_PG_SOURCE_PASSWORD, which is not set"), "\(error)")
        }
    }

    func testARowCommittedDuringTheReadIsNotSeen() throws {
        try execute("CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)")
        let outcome = try readAll(try makeSource(#", "table": "t""#), stream: "t", batchSize: 3) {
            try self.execute("INSERT INTO t VALUES (11); UPDATE t SET id = 100 WHERE id = 10")
        }
        XCTAssertEqual(outcome.rows.map { $0[0] }, (1...10).map(String.init))
        let next = try readAll(try makeSource(#", "table": "t""#), stream: "t")
        XCTAssertEqual(next.rows.map { $0[0] }.sorted(), ((1...9).map(String.init) + ["100", "11"]).sorted())
    }

    func testAQueryIsReadAsTheNamedStream() throws {
        try execute("CREATE TABLE orders (id int, status text); INSERT INTO orders VALUES (1, 'open'), (2, 'shipped')")
        let source = try makeSource(#", "query": "SELECT id, status = 'open' AS open FROM orders ORDER BY id;", "stream": "flags""#)
        XCTAssertEqual(try readAll(source, stream: "flags").rows, [["1", "true"], ["2", "false"]])
    }

    func testDiscoverListsTheTablesAndViewsOfTheSchemaWithArrowTypes() throws {
        try execute("""
            CREATE SCHEMA app; CREATE TABLE app.orders (id bigint, total numeric(10,2), placed timestamptz, note json);
            CREATE VIEW app.open_orders AS SELECT id, placed::date AS day FROM app.orders; CREATE TABLE public.other (x int);
            CREATE MATERIALIZED VIEW app.totals AS SELECT sum(total) AS total FROM app.orders
            """)
        let streams = try makeSource(#", "schema": "app""#).discover()
        XCTAssertEqual(streams.map(\.name), ["open_orders", "orders", "totals"])
        XCTAssertEqual(streams.map { $0.schema.fields.map(\.type) }, [[.int64, .date32], [.int64, .decimal128(precision: 10, scale: 2), .timestampMicrosecondsUTC, .utf8], [.utf8]])
        XCTAssertEqual(streams[1].schema.fields.map(\.isJSON), [false, false, false, true], "json is discovered as JSON text")
        let read = try readAll(try makeSource(#", "schema": "app""#), stream: "orders")
        XCTAssertEqual(read.rows, [])
    }

    func testDiscoverOfAConfiguredTableOffersThatStreamOnly() throws {
        try execute("CREATE TABLE a (x int); CREATE TABLE b (y text)")
        XCTAssertEqual(try makeSource(#", "table": "b""#).discover().map(\.name), ["b"])
    }

    func testCheckConnectsAndFindsTheTable() throws {
        try execute("CREATE TABLE a (x int)")
        XCTAssertNoThrow(try makeSource(#", "table": "a""#).check())
        XCTAssertThrowsError(try makeSource(#", "table": "missing""#).check()) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
            XCTAssertTrue("\(error)".contains("missing"), "\(error)")
        }
    }

    func testConfigMistakesAreRefusedWithTheirKey() throws {
        for (extra, expected) in [(#", "table": "a", "query": "SELECT 1""#, "both \"table\" and \"query\""),
                                  (#", "query": "SELECT 1""#, ".stream is required with a query"),
                                  (#", "stream": "s""#, "neither"),
                                  (#", "tabel": "a""#, "tabel")] {
            XCTAssertThrowsError(try makeSource(extra), extra) { error in
                XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testAStreamOtherThanTheConfiguredOneIsRefused() throws {
        try execute("CREATE TABLE a (x int)")
        XCTAssertThrowsError(try readAll(try makeSource(#", "table": "a""#), stream: "b")) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
        }
    }

    func testTheSourceDeclaresIncrementalDiscoverAndPositions() throws {
        XCTAssertEqual(Set(try Self.sourcePlugin().info.capabilities), ["incremental", "discover", "positions"])
    }
}

/// Reads that stop before the end of their COPY.
final class PostgresSourceEarlyStopTests: PostgresSourceTestCase {
    func testAReadStoppedByMaxRecordsLeavesTheConnectionReadyForTheNextRead() throws {
        try execute("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 200000) g")
        let source = try makeSource(#", "table": "big""#)
        let first = try readAll(source, stream: "big", batchSize: 10, maxRecords: 25)
        XCTAssertEqual(first.batches, [10, 10, 5])
        let second = try readAll(source, stream: "big", batchSize: 100_000)
        XCTAssertEqual(second.batches.reduce(0, +), 200_000)
    }

    func testAStreamReleasedMidReadLeavesTheConnectionReadyForTheNextRead() throws {
        try execute("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 200000) g")
        let source = try makeSource(#", "table": "big""#)
        do {
            let read = try source.read(ReadRequest(entryID: "entry", stream: "big", batchSize: 100))
            XCTAssertEqual(try read.stream.next()?.rowCount, 100)
        }
        XCTAssertEqual(try readAll(source, stream: "big", batchSize: 100_000).batches.reduce(0, +), 200_000)
    }
}
