import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import PostgresTestSupport
import TestSupport
import XCTest

/// The adbc sink with the real PostgreSQL ADBC driver (adbc-driver-postgresql wheel) against the
/// tests' throwaway cluster, read back with libpq.
final class ADBCPostgresSinkTests: ADBCSinkTestCase {
    private var database: PostgresTestDatabase!
    private let schema = Batches.schema([("id", .int64), ("name", .utf8), ("score", .double)])

    override func setUpWithError() throws {
        database = try PostgresTestDatabase()
    }

    override func tearDown() {
        database = nil
    }

    private func makeSink(_ extra: String = "") throws -> SinkInstance {
        try ADBCPlugins.sink("""
            {"driver_path": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), "options": {"uri": "\(database.url())"}\(extra)}
            """)
    }

    private func rows(_ sql: String) throws -> [[String?]] { try database.connection.rows(sql) }

    func testEveryABITypeIsStoredWithItsExactValueInTheMatchingColumnType() throws {
        let types = Batches.schema([("flag", .bool), ("count", .int64), ("ratio", .double), ("label", .utf8), ("payload", .binary),
                                    ("seen_at", .timestampMicrosecondsUTC), ("day", .date32), ("amount", .decimal128(precision: 20, scale: 4)), ("missing", .null)])
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "typed", types, [
            [[true, .int(Int64.min), 1.5, "héllo", .blob([0, 1, 255]), .timestamp(micros: 1_700_000_000_123_456), .date(days: 19_000),
              .decimal(-1_234_567_890_123_456, scale: 4), nil]],
            [[false, .int(Int64.max), -2.25e300, "", .blob([]), .timestamp(micros: -1), .date(days: -1), .decimal(5, scale: 4), nil],
             [nil, nil, nil, nil, nil, nil, nil, nil, nil]],
        ], mode: .replace), 3)
        try database.connection.execute("SET TIME ZONE 'UTC'")
        XCTAssertEqual(try rows("SELECT flag, count, ratio, label, encode(payload, 'hex'), seen_at, day, amount, missing FROM typed ORDER BY count NULLS LAST"), [
            ["t", "-9223372036854775808", "1.5", "héllo", "0001ff", "2023-11-14 22:13:20.123456+00", "2022-01-08", "-123456789012.3456", nil],
            ["f", "9223372036854775807", "-2.25e+300", "", "", "1969-12-31 23:59:59.999999+00", "1969-12-31", "0.0005", nil],
            [nil, nil, nil, nil, nil, nil, nil, nil, nil],
        ])
        XCTAssertEqual(try rows("""
            SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'typed' ORDER BY ordinal_position
            """), [["flag", "boolean"], ["count", "bigint"], ["ratio", "double precision"], ["label", "text"], ["payload", "bytea"],
                   ["seen_at", "timestamp with time zone"], ["day", "date"], ["amount", "numeric"],
                   ["missing", "text"]])
    }

    func testAppendAddsRowsToWhatIsThere() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append), 1)
        XCTAssertEqual(try load(sink, "scores", schema, [[[2, "b", 2.0]], [[3, "c", 3.0]]], mode: .append), 2)
        XCTAssertEqual(try rows("SELECT id, name, score FROM scores ORDER BY id"), [["1", "a", "1"], ["2", "b", "2"], ["3", "c", "3"]])
    }

    func testReplaceSwapsInTheNewRowsAndReadersSeeTheOldTableUntilTheCommit() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace)
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[3, "c", 3.0]]))
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["1"], ["2"]])
        try sink.write(try Batches.make(schema, [[4, "d", 4.0]]))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 2)
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["3"], ["4"]])
        XCTAssertEqual(try rows("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_etl\\_stage%'"), [["0"]])
    }

    func testAReplaceThatFailsMidwayKeepsTheOldTableAndState() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace, state: "{\"run\": 1}")
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[3, "c", 3.0]]))
        // PostgreSQL refuses a NUL in text: the second batch fails inside the server.
        let error = callError { try sink.write(try Batches.make(self.schema, [[4, "bad\u{0}", 4.0]])) }
        XCTAssertNotNil(error)
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: "{\"run\": 2}") })
        try sink.abort()
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["1"], ["2"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"run\": 1}")
        // The sink is usable again: the rerun commits.
        try load(sink, "scores", schema, [[[3, "c", 3.0]]], mode: .replace, state: "{\"run\": 2}")
        XCTAssertEqual(try rows("SELECT id FROM scores"), [["3"]])
    }

    func testAViewOnTheTargetBlocksTheSwapAndTheOldTableStays() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .replace)
        try database.connection.execute("CREATE VIEW top_scores AS SELECT name FROM scores")
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[2, "b", 2.0]]))
        let error = callError { _ = try sink.commit(stateJSON: nil) }
        XCTAssertTrue(error?.message.contains("other objects depend on it") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("the previous table and state are kept") ?? false, error?.message ?? "")
        try sink.abort()
        XCTAssertEqual(try rows("SELECT name FROM top_scores"), [["a"]])
    }

    func testStateIsExactlyOnceAcrossAnAbortedAppendAndTheRerun() throws {
        let sink = try makeSink()
        XCTAssertNil(try sink.readState(entryID: "entry"))
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append, state: "{\"offset\": 1}")
        try sink.begin(request("scores", schema, mode: .append))
        try sink.write(try Batches.make(schema, [[2, "b", 2.0]]))
        try sink.abort()
        let rerun = try makeSink()
        XCTAssertEqual(try rerun.readState(entryID: "entry"), "{\"offset\": 1}")
        try load(rerun, "scores", schema, [[[2, "b", 2.0]]], mode: .append, state: "{\"offset\": 2}")
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["1"], ["2"]])
        XCTAssertEqual(try rows("SELECT entry_id, state_json, target, rows FROM _etl_state"), [["entry", "{\"offset\": 2}", "scores", "1"]])
    }

    func testDBSchemaPutsTargetsAndStateInThatSchema() throws {
        try database.connection.execute("CREATE SCHEMA \"Stage Area\"")
        let sink = try makeSink(", \"db_schema\": \"Stage Area\"")
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .replace, state: "{\"offset\": 1}")
        try load(sink, "scores", schema, [[[2, "b", 2.0]]], mode: .replace, state: "{\"offset\": 2}")
        XCTAssertEqual(try rows("SELECT id FROM \"Stage Area\".scores"), [["2"]])
        XCTAssertEqual(try rows("SELECT state_json FROM \"Stage Area\"._etl_state"), [["{\"offset\": 2}"]])
        XCTAssertEqual(try rows("SELECT to_regclass('public.scores') IS NULL"), [["t"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"offset\": 2}")
    }

    func testAPasswordFromTheEnvironmentConnectsAndNeverAppearsInAnError() throws {
        let server = database.server
        let owned = try PostgresTestDatabase(owner: server.passwordUser)
        let good = "postgresql://\(server.passwordUser):\(server.password)@127.0.0.1:\(server.port)/\(owned.name)"
        setenv("ETL_TEST_ADBC_URI", good, 1)
        let config = "{\"driver_path\": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), \"options_env\": {\"uri\": \"ETL_TEST_ADBC_URI\"}}"
        let sink = try ADBCPlugins.sink(config)
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append)
        XCTAssertEqual(try owned.connection.rows("SELECT id FROM scores"), [["1"]])

        let wrong = "Wr0ng-S3cret-\(UUID().uuidString.prefix(8))"
        setenv("ETL_TEST_ADBC_URI", "postgresql://\(server.passwordUser):\(wrong)@127.0.0.1:\(server.port)/\(owned.name)", 1)
        let error = callError { _ = try ADBCPlugins.sink(config) }
        let message = error?.message ?? ""
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, "a refused login is a credential to fix, not a failure to retry: \(message)")
        XCTAssertTrue(message.contains("password authentication failed"), message)
        XCTAssertFalse(message.contains(wrong), message)
        XCTAssertFalse(message.contains(server.password), message)
        unsetenv("ETL_TEST_ADBC_URI")
    }

    func testAPasswordWrittenInTheURIIsScrubbedToo() throws {
        let server = database.server
        let wrong = "Inline-S3cret-\(UUID().uuidString.prefix(8))"
        let uri = "postgresql://\(server.passwordUser):\(wrong)@127.0.0.1:\(server.port)/\(database.name)"
        let error = callError {
            _ = try ADBCPlugins.sink("{\"driver_path\": \(ADBCPlugins.quoted(try ADBCPlugins.driverPath("postgresql"))), \"options\": {\"uri\": \"\(uri)\"}}")
        }
        XCTAssertFalse(error?.message.contains(wrong) ?? true, error?.message ?? "")
    }
}
