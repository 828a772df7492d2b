import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// Freshness, its notifications and the metrics file read and write the state in PostgreSQL
/// (`"state": {"url": ...}`) as they do in SQLite.
final class OperationsPostgresStateTests: XCTestCase {
    /// A four-line log loaded whole into SQLite by entry `app` (fresh for an hour, stale after a
    /// day), the state in schema `ops_state` of `database`; `entryExtra` (", ...") is added to
    /// the entry.
    private func appWorkspace(_ database: PostgresTestDatabase, entryExtra: String = "") throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...4)
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"url": "\(database.url())", "schema": "ops_state"},
             "sources": {"app": {"plugin": "lines", "config": {"path": "app.log"}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full",
               "freshness": {"warn_after": "PT1H", "error_after": "P1D"}\(entryExtra)}]}
            """)
        return workspace
    }

    func testFreshnessMetricsAndOnceOnlyNotificationsWithAPostgresState() throws {
        let database = try PostgresTestDatabase()
        let workspace = try appWorkspace(database, entryExtra: #", "notify": {"command": ["/bin/sh", "-c", "cat >> events/all.jsonl"]}"#)
        try FileManager.default.createDirectory(atPath: workspace.path + "/events", withIntermediateDirectories: true)
        let run = try workspace.run(["run", "--metrics-file", "etl.prom"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let metrics = try String(contentsOfFile: workspace.path + "/etl.prom", encoding: .utf8)
        XCTAssertTrue(metrics.contains("etl_entry_last_run_success{entry=\"app\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("etl_entry_last_run_rows_loaded{entry=\"app\"} 4\n"), metrics)
        XCTAssertTrue(metrics.contains("etl_entry_freshness_level{entry=\"app\"} 0\n"), metrics)

        try database.connection.execute("UPDATE ops_state.etl_runs SET ended_at = to_char(now() AT TIME ZONE 'UTC' - interval '2 hours', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
        let first = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(first.status, 1, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("WARN   app  last successful run 2h0m ago (warn after PT1H, error after P1D)"), first.stdout)
        XCTAssertEqual(try workspace.run(["check", "--freshness"]).status, 1)
        let events = try String(contentsOfFile: workspace.path + "/events/all.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(events.count, 1, "sent once: \(events)")
        XCTAssertTrue(events[0].contains(#""event":"freshness""#) && events[0].contains(#""status":"warn""#), String(events[0]))
        XCTAssertEqual(try database.connection.scalar("SELECT value FROM ops_state.etl_meta WHERE key = 'freshness_notified.app'"), "warn")
    }

    /// A shared state's run times are the server's (see `StateDatabase.now()`): a host whose
    /// clock is two hours ahead ages the last load on the server's clock too, so it does not
    /// find a load of moments ago two hours old.
    func testAHostWhoseClockIsHoursAheadAgesTheLastLoadOnTheServersClock() throws {
        let database = try PostgresTestDatabase()
        let workspace = try appWorkspace(database)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let check = try workspace.run(["check", "--freshness", "--no-notify", "--metrics-file", "etl.prom"], clockOffset: "+2h")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.hasPrefix("OK     app  last successful run "), check.stdout)
        XCTAssertFalse(check.stdout.contains("2h"), check.stdout)
        let metrics = try String(contentsOfFile: workspace.path + "/etl.prom", encoding: .utf8)
        let age = try XCTUnwrap(metrics.split(separator: "\n").first { $0.hasPrefix(#"etl_entry_freshness_age_seconds{entry="app",check="last_load"}"#) }, metrics)
        XCTAssertLessThan(try XCTUnwrap(Double(age.split(separator: " ").last ?? "")), 300, String(age))
    }
}
