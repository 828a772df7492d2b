import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import PostgresTestSupport
import XCTest

/// How the sink reaches the server: URL or keywords, the password from the environment, and
/// the password never in a message.
final class PostgresSinkConnectionTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64)])

    func testAURLReachesTheServerOverTCP() throws {
        let sink = try PostgresPlugins.sink(configJSON: "{\"url\": \"\(database.url())\"}")
        try load(sink, "t", schema, [[[1]]], mode: .append)
        XCTAssertEqual(try rows("SELECT id FROM t"), [["1"]])
    }

    func testPasswordEnvLogsInAndKeywordsOverrideTheURL() throws {
        let owned = try PostgresTestDatabase(owner: database.server.passwordUser)
        setenv("ETL_TEST_PG_PASSWORD", owned.server.password, 1)
        defer { unsetenv("ETL_TEST_PG_PASSWORD") }
        // The URL names another database; the dbname keyword wins.
        let config = "{\"url\": \"\(owned.url(user: owned.server.passwordUser).replacingOccurrences(of: owned.name, with: "postgres"))\", \"dbname\": \"\(owned.name)\", \"password_env\": \"ETL_TEST_PG_PASSWORD\", \"sslmode\": \"disable\"}"
        let sink = try PostgresPlugins.sink(configJSON: config)
        try sink.check()
        try load(sink, "t", schema, [[[7]]], mode: .append)
        XCTAssertEqual(try owned.connection.rows("SELECT id, (SELECT tableowner FROM pg_tables WHERE tablename = 't') FROM t"),
                       [["7", owned.server.passwordUser]])
    }

    func testAWrongPasswordIsAConfigErrorThatNeverShowsThePassword() throws {
        let wrong = "Wr0ng-Secret-Passw0rd"
        setenv("ETL_TEST_PG_WRONG", wrong, 1)
        defer { unsetenv("ETL_TEST_PG_WRONG") }
        for host in [database.server.socketFolder, "127.0.0.1"] {
            let sink = try PostgresPlugins.sink(configJSON: """
                {"host": \(PostgresTestDatabase.quoted(host)), "port": "\(database.server.port)", "dbname": "\(database.name)", \
                "user": "\(database.server.passwordUser)", "password_env": "ETL_TEST_PG_WRONG"}
                """)
            let error = callError { try sink.check() }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
            let message = error?.message ?? ""
            XCTAssertTrue(message.contains("password authentication failed for user \"etl_password\""), message)
            XCTAssertTrue(message.contains("check user, dbname and the password"), message)
            XCTAssertFalse(message.contains(wrong), message)
            XCTAssertNotNil(callError { _ = try sink.readState(entryID: "entry") })
        }
    }

    func testAPasswordInsideTheURLIsScrubbedFromTheServersMessages() throws {
        let owned = try PostgresTestDatabase(owner: database.server.passwordUser)
        let password = owned.server.password
        // As `"url": "${PG_URL}"` would give it: the password inside the URL, percent-encoded.
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        let url = owned.url(user: owned.server.passwordUser).replacingOccurrences(of: "\(owned.server.passwordUser)@", with: "\(owned.server.passwordUser):\(encoded)@")
        let sink = try PostgresPlugins.sink(configJSON: "{\"url\": \(PostgresTestDatabase.quoted(url))}")
        try sink.check()
        let error = callError { try sink.executeSQL("DO $$ BEGIN RAISE EXCEPTION 'the password is %', '\(password)'; END $$") }
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains("the password is ***"), message)
        XCTAssertFalse(message.contains(password), message)
    }

    func testAnUnsetPasswordVariableIsRefusedWhenTheSinkIsCreated() throws {
        unsetenv("ETL_TEST_PG_UNSET")
        do {
            _ = try PostgresPlugins.sink(configJSON: database.sinkConfig(", \"password_env\": \"ETL_TEST_PG_UNSET\""))
            XCTFail("expected the sink to be refused")
        } catch let error as PluginCallError {
            XCTAssertEqual(error.status, ETL_INVALID_CONFIG)
            XCTAssertTrue(error.message.contains("password_env names the variable ETL_TEST_PG_UNSET, which is not set"), error.message)
        }
    }

    func testAnUnknownKeyAndABadURLAreRefused() throws {
        for (config, expected) in [("{\"hostname\": \"x\"}", "unknown key \"hostname\""),
                                   ("{\"url\": \"mysql://x\"}", "url must start with postgresql://"),
                                   ("{\"port\": 70000}", "port must be a port number from 1 to 65535")] {
            do {
                _ = try PostgresPlugins.sink(configJSON: config)
                XCTFail("expected \(config) to be refused")
            } catch let error as PluginCallError {
                XCTAssertTrue(error.message.contains(expected), error.message)
            }
        }
    }

    func testAnUnreachableServerIsAnIOErrorOnOneLineNamingTheServer() throws {
        // Not retryable: the runtime would wait for a "busy" sink, up to ten minutes.
        let sink = try PostgresPlugins.sink(configJSON: "{\"url\": \"postgresql://someone@127.0.0.1:1/nowhere\"}")
        let error = callError { try sink.check() }
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        let message = error?.message ?? ""
        XCTAssertTrue(message.hasPrefix("cannot connect to postgresql someone@127.0.0.1:1/nowhere: "), message)
        XCTAssertTrue(message.contains("check that the server runs"), message)
        XCTAssertFalse(message.contains("\n"), message)
    }

    func testTheSinkConnectsAgainAfterTheServerEndedItsSession() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append)
        try database.connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        // The first use notices the broken connection; the load after it reconnects.
        _ = try? load(sink, "t", schema, [[[2]]], mode: .append)
        try load(sink, "t", schema, [[[3]]], mode: .append)
        XCTAssertTrue(try rows("SELECT id FROM t ORDER BY id").contains(["3"]))
    }

    func testPostSQLRunsInItsOwnTransactionAndASQLErrorIsAConfigError() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1], [2]]], mode: .append)
        try sink.executeSQL("CREATE TABLE t_count AS SELECT count(*) AS n FROM t; ANALYZE t")
        XCTAssertEqual(try rows("SELECT n FROM t_count"), [["2"]])
        let error = callError { try sink.executeSQL("INSERT INTO t VALUES (3); SELECT nope FROM t") }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("post_sql failed and was rolled back") ?? false, error?.message ?? "")
        XCTAssertEqual(try rows("SELECT count(*) FROM t"), [["2"]])
    }

    func testARoleAllowedToCreateTablesOnlyInItsSchemaCanLoad() throws {
        // No CREATE on the database (so no CREATE SCHEMA), CREATE on the schema public.
        let role = database.server.passwordUser
        try database.connection.execute("GRANT USAGE, CREATE ON SCHEMA public TO \(role)")
        setenv("ETL_TEST_PG_PASSWORD", database.server.password, 1)
        defer { unsetenv("ETL_TEST_PG_PASSWORD") }
        let sink = try PostgresPlugins.sink(configJSON: "{\"url\": \"\(database.url(user: role))\", \"password_env\": \"ETL_TEST_PG_PASSWORD\"}")
        try sink.check()
        try load(sink, "t", schema, [[[1]]], mode: .append, state: "{}")
        XCTAssertEqual(try rows("SELECT id, (SELECT tableowner FROM pg_tables WHERE tablename = 't') FROM t"), [["1", role]])
    }

    func testSSLModeIsPassedToLibpq() throws {
        // The test server has no TLS: require must fail the connection, disable must not.
        let required = try PostgresPlugins.sink(configJSON: "{\"url\": \"\(database.url())\", \"sslmode\": \"require\"}")
        let error = callError { try required.check() }
        XCTAssertTrue(error?.message.contains("server does not support SSL") ?? false, error?.message ?? "")
        try PostgresPlugins.sink(configJSON: "{\"url\": \"\(database.url())\", \"sslmode\": \"disable\"}").check()
    }

    func testKeysLeftOutFallBackToLibpqsEnvironment() throws {
        let server = database.server
        let saved = ["PGHOST", "PGPORT", "PGUSER"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("PGHOST", server.socketFolder, 1)
        setenv("PGPORT", server.port, 1)
        setenv("PGUSER", server.superuser, 1)
        let sink = try PostgresPlugins.sink(configJSON: "{\"dbname\": \"\(database.name)\"}")
        try load(sink, "t", schema, [[[5]]], mode: .append)
        XCTAssertEqual(try rows("SELECT id FROM t"), [["5"]])
    }

    func testPostSQLFindsTheSinksSchemaFirst() throws {
        let sink = try makeSink(", \"schema\": \"stage\"")
        try load(sink, "t", schema, [[[1], [2], [3]]], mode: .append)
        try sink.executeSQL("CREATE TABLE t_count AS SELECT count(*) AS n FROM t")
        XCTAssertEqual(try rows("SELECT n FROM stage.t_count"), [["3"]])
    }

    func testLoadsOfOneTargetWaitForEachOther() throws {
        let first = try makeSink(), second = try makeSink()
        // The table and _etl_state exist: only the target's lock can make the second load wait.
        try load(first, "t", schema, [[[0]]], mode: .append, entry: "setup")
        try first.begin(request("t", schema, mode: .append, entry: "a"))
        try first.write(try Batches.make(schema, [[1]]))
        let secondDone = DispatchSemaphore(value: 0)
        let request = self.request("t", schema, mode: .append, entry: "b")
        let queue = DispatchQueue(label: "second load")
        nonisolated(unsafe) let waiting = second
        queue.async {
            do {
                try waiting.begin(request)
                try waiting.write(try Batches.make(request.schema, [[2]]))
                _ = try waiting.commit(stateJSON: nil)
            } catch {
                XCTFail("the second load failed: \(error)")
            }
            secondDone.signal()
        }
        // Still waiting on the first load's lock half a second later.
        XCTAssertEqual(secondDone.wait(timeout: .now() + 0.5), .timedOut)
        _ = try first.commit(stateJSON: nil)
        XCTAssertEqual(secondDone.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try rows("SELECT id FROM t ORDER BY id"), [["0"], ["1"], ["2"]])
    }
}
