import Foundation
import TestSupport
import XCTest

/// `run --failed-only` reruns the active entries whose last run did not succeed (failed, killed,
/// or skipped because an upstream failed), in dependency order, and leaves the others alone —
/// the daily "retry until it succeeds".
final class FailedOnlyRunTests: XCTestCase {
    /// "good" loads app.log; "late" reads late.log, which does not exist yet; "after_late"
    /// depends on "late"; "idle" is inactive and reads a missing file too.
    private func pipeline() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...2)
        try workspace.manifest(
            sources: """
                {"app": {"plugin": "lines", "config": {"path": "app.log"}}, "late": {"plugin": "lines", "config": {"path": "late.log"}},
                 "never": {"plugin": "lines", "config": {"path": "never.log"}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "good", "source": "app", "stream": "lines", "sink": "warehouse", "target": "good", "mode": "full"},
                 {"id": "late", "source": "late", "stream": "lines", "sink": "warehouse", "target": "late", "mode": "full"},
                 {"id": "after_late", "source": "app", "stream": "lines", "sink": "warehouse", "target": "after_late", "mode": "full",
                  "depends_on": ["late"]},
                 {"id": "idle", "active": false, "source": "never", "stream": "lines", "sink": "warehouse", "target": "idle", "mode": "full"}]
                """)
        return workspace
    }

    private func runsPerEntry(_ workspace: RunWorkspace) throws -> String {
        try workspace.stateQuery("SELECT entry_id, group_concat(status, ',') FROM (SELECT * FROM etl_runs ORDER BY started_at) GROUP BY entry_id ORDER BY entry_id")
    }

    func testOnlyTheFailedAndSkippedEntriesRunAgainInDependencyOrder() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 1)
        // The inactive entry failed once when named; --failed-only never picks an inactive entry.
        XCTAssertEqual(try workspace.run(["run", "--entry", "idle"]).status, 1)
        XCTAssertEqual(try runsPerEntry(workspace), "after_late|skipped\ngood|ok\nidle|failed\nlate|failed\n")

        try workspace.logFile("late.log", lines: 1...3)
        let rerun = try workspace.run(["run", "--failed-only"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("--failed-only: running late, after_late"), rerun.stderr)
        XCTAssertFalse(rerun.stderr.contains("entry=good"), rerun.stderr)
        XCTAssertEqual(try runsPerEntry(workspace), "after_late|skipped,ok\ngood|ok\nidle|failed\nlate|failed,ok\n")
        let order = try workspace.stateQuery("SELECT entry_id FROM etl_runs WHERE status = 'ok' AND entry_id <> 'good' ORDER BY started_at")
        XCTAssertEqual(order, "late\nafter_late\n", "the upstream runs first")

        let nothing = try workspace.run(["run", "--failed-only"])
        XCTAssertEqual(nothing.status, 0, nothing.stderr)
        XCTAssertTrue(nothing.stderr.contains("--failed-only: no active entry's last run failed; nothing to run"), nothing.stderr)
    }

    func testFailedOnlyWithEntryRunsOnlyTheNamedFailedOnes() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 1)
        try workspace.logFile("late.log", lines: 1...3)
        let named = try workspace.run(["run", "--failed-only", "--entry", "late", "--entry", "good"])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(try runsPerEntry(workspace), "after_late|skipped\ngood|ok\nlate|failed,ok\n")

        let unknown = try workspace.run(["run", "--failed-only", "--entry", "lat"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no entry \"lat\" in the control table; did you mean \"late\"?"), unknown.stderr)
    }

    func testARunWhoseProcessDiedCountsAsFailed() throws {
        let workspace = try pipeline()
        try workspace.logFile("late.log", lines: 1...3)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // "good" as a run killed mid-way leaves it: still 'running', its process gone.
        _ = try workspace.stateQuery("""
            INSERT INTO etl_runs (run_id, entry_id, started_at, status, pid) VALUES ('killed-run', 'good', '2026-01-01T00:00:00.000Z', 'running', 2147483646);
            UPDATE etl_control SET last_status = 'running', last_run_id = 'killed-run' WHERE id = 'good';
            """)
        let rerun = try workspace.run(["run", "--failed-only"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("--failed-only: running good\n"), rerun.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT status FROM etl_runs WHERE run_id = 'killed-run'"), "killed\n")
    }

    func testFailedOnlyWithEveryIsRefused() throws {
        let workspace = try pipeline()
        let outcome = try workspace.run(["run", "--failed-only", "--every", "10m"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--failed-only cannot be used with --every"), outcome.stderr)
    }
}
