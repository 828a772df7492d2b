import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// What a cron tick that finds nothing new costs the state's server: each connection is a
/// server process forked and authenticated, the largest part of such a tick. A `run` opens one
/// connection for itself (the state's run lock and its reads and writes), and per entry the
/// claim's (held while the entry runs, which also records its start) and its worker's. Counted
/// from the server's own statistics (`pg_stat_database.sessions`), never timed.
final class PostgresStateTickCostTests: XCTestCase {
    /// Two incremental entries reading one csv file into a sqlite sink: the state's are the only
    /// connections to `database`.
    private func pipeline(_ database: PostgresTestDatabase) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("people.csv", "id,name\n" + (1...20).map { "\($0),person \($0)" }.joined(separator: "\n") + "\n")
        let entries = (1...2).map {
            #"{"id": "people_\#($0)", "source": "file", "stream": "people", "sink": "local", "target": "people_\#($0)", "mode": "incremental", "write": "append", "cursor_field": "$offset"}"#
        }
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"url": "\(database.url())", "schema": "etl_state"},
             "sources": {"file": {"plugin": "csv", "config": {"path": "people.csv", "header": true}}},
             "sinks": {"local": {"plugin": "sqlite", "config": {"path": "local.db"}}},
             "control_table": [\(entries.joined(separator: ", "))]}
            """)
        return workspace
    }

    /// Sessions the server has started for the database so far, once the state's sessions have
    /// ended (a backend reports its statistics as it exits, moments after its client left).
    private func sessions(_ watcher: PostgresTestConnection) throws -> Int {
        try waitUntil("the run's sessions to end", timeout: 10, interval: 0.01) {
            try watcher.scalar("""
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'etl-runtime state'
                """) == "0"
        }
        _ = try watcher.rows("SELECT pg_stat_clear_snapshot()")
        return Int(try XCTUnwrap(try watcher.scalar("SELECT sessions FROM pg_stat_database WHERE datname = current_database()"))) ?? -1
    }

    func testATickThatFindsNothingNewOpensOneStateConnectionForTheRunAndTwoPerEntry() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database)
        let watcher = try PostgresTestConnection(database.keywords)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let settings = try watcher.rows("SELECT id, updated_at FROM etl_state.etl_control ORDER BY id")

        let before = try sessions(watcher)
        let tick = try workspace.run(["run"])
        let opened = try sessions(watcher) - before
        XCTAssertEqual(tick.status, 0, tick.stderr)
        XCTAssertTrue(tick.stderr.contains("summary entry=people_1 status=ok read=0 "), tick.stderr)
        XCTAssertTrue(tick.stderr.contains("summary entry=people_2 status=ok read=0 "), tick.stderr)
        XCTAssertEqual(opened, 1 + 2 * 2, "the run's own, then per entry its claim's and its worker's")
        // Every guarantee stays: both runs recorded with the server's host column, no row loaded twice.
        XCTAssertEqual(
            try watcher.rows("SELECT entry_id, status, count(*), count(host) FROM etl_state.etl_runs GROUP BY 1, 2 ORDER BY 1, 2"),
            [["people_1", "ok", "2", "2"], ["people_2", "ok", "2", "2"]])
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("local.db"), "SELECT count(*) FROM people_1"]).stdout, "20\n")
        // An unchanged manifest leaves the control table's settings as they were: nothing to write.
        XCTAssertEqual(try watcher.rows("SELECT id, updated_at FROM etl_state.etl_control ORDER BY id"), settings)
    }

    func testInProcessAnEntryRunsOnItsClaimsConnection() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database)
        let watcher = try PostgresTestConnection(database.keywords)
        XCTAssertEqual(try workspace.run(["run", "--in-process"]).status, 0)

        let before = try sessions(watcher)
        let tick = try workspace.run(["run", "--in-process"])
        let opened = try sessions(watcher) - before
        XCTAssertEqual(tick.status, 0, tick.stderr)
        XCTAssertEqual(opened, 1 + 2, "the run's own, then per entry its claim's")
        XCTAssertEqual(
            try watcher.rows("SELECT entry_id, status, count(*) FROM etl_state.etl_runs GROUP BY 1, 2 ORDER BY 1, 2"),
            [["people_1", "ok", "2"], ["people_2", "ok", "2"]])
    }
}
