import Foundation
import TestSupport
import XCTest

/// `check --freshness`: each active entry against its `freshness`, one line each, and an exit
/// code monitoring systems read: 0 ok, 1 warn, 2 error.
final class FreshnessCheckTests: XCTestCase {
    /// Entry "app" loads app.log with the given `freshness`; entry "plain" has none.
    private func pipeline(_ workspace: RunWorkspace, freshness: String) throws {
        try workspace.logFile("app.log", lines: 1...2)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full", "freshness": \(freshness)},
                 {"id": "plain", "source": "app", "stream": "lines", "sink": "warehouse", "target": "plain", "mode": "full"}]
                """)
    }

    /// Moves the end of every successful run of `entry` back by `seconds`.
    private func ageRuns(_ workspace: RunWorkspace, _ entry: String, seconds: Int) throws {
        _ = try workspace.stateQuery(
            "UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-\(seconds) seconds') WHERE entry_id = '\(entry)' AND status = 'ok'")
    }

    private func setModified(_ path: String, secondsAgo: Double) {
        let time = Date().timeIntervalSince1970 - secondsAgo
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
    }

    func testTheExitCodeFollowsTheAgeOfTheLastSuccessfulRun() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace, freshness: #"{"warn_after": "PT1H", "error_after": "P1D"}"#)
        let never = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(never.status, 2, never.stderr)
        XCTAssertTrue(never.stdout.contains("ERROR  app    no successful run yet (warn after PT1H, error after P1D)"), never.stdout)
        XCTAssertTrue(never.stdout.contains("-      plain  no freshness set; no successful run yet"), never.stdout)

        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let fresh = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(fresh.status, 0, fresh.stdout + fresh.stderr)
        XCTAssertTrue(fresh.stdout.contains("OK     app    last successful run "), fresh.stdout)

        try ageRuns(workspace, "app", seconds: 2 * 3_600 + 60)
        let stale = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(stale.status, 1, stale.stdout + stale.stderr)
        XCTAssertTrue(stale.stdout.contains("WARN   app    last successful run 2h1m ago (warn after PT1H, error after P1D)"), stale.stdout)

        try ageRuns(workspace, "app", seconds: 2 * 86_400)
        let old = try workspace.run(["check", "--freshness", "--json"])
        XCTAssertEqual(old.status, 2, old.stdout + old.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(old.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["level"] as? String, "error")
        let entries = try XCTUnwrap(report["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["entry"] as? String }, ["app", "plain"])
        let check = try XCTUnwrap((entries[0]["checks"] as? [[String: Any]])?.first)
        XCTAssertEqual(check["check"] as? String, "last_load")
        XCTAssertEqual(check["level"] as? String, "error")
        XCTAssertEqual(check["warn_after"] as? String, "PT1H")
        XCTAssertEqual(try XCTUnwrap(check["age_seconds"] as? Double), 2 * 86_400, accuracy: 5)
    }

    func testTheNewestFileOfTheSourceGlobIsTheSFTPDropAlert() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"drop": {"plugin": "lines", "config": {"path": "drop/*.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "drop", "source": "drop", "stream": "lines", "sink": "warehouse", "target": "drop", "mode": "full",
                  "freshness": {"newest_file": {"warn_after": "P1D", "error_after": "P2D"}}}]
                """)
        try FileManager.default.createDirectory(atPath: workspace.path + "/drop", withIntermediateDirectories: true)
        let first = try workspace.logFile("drop/2026-01-01.log", lines: 1...1)
        setModified(first, secondsAgo: 3 * 86_400)
        let stale = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(stale.status, 2, stale.stdout + stale.stderr)
        XCTAssertTrue(stale.stdout.contains("ERROR  drop  newest file 3d0h old: \(first) (warn after P1D, error after P2D)"), stale.stdout)

        let second = try workspace.logFile("drop/2026-01-02.log", lines: 1...1)
        setModified(second, secondsAgo: 30 * 3_600)
        let warned = try workspace.run(["check", "--freshness"])
        XCTAssertEqual(warned.status, 1, warned.stdout + warned.stderr)
        XCTAssertTrue(warned.stdout.contains("WARN   drop  newest file 1d6h old: \(second)"), warned.stdout)

        try workspace.logFile("drop/2026-01-03.log", lines: 1...1)
        XCTAssertEqual(try workspace.run(["check", "--freshness"]).status, 0)
    }

    func testFreshnessOptionsNeedFreshness() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace, freshness: #"{"error_after": "P1D"}"#)
        let outcome = try workspace.run(["check", "--json"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--json needs --freshness"), outcome.stderr)
    }
}
