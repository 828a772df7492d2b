import Foundation
import TestSupport
import XCTest

/// `run --quiet` is for cron, which mails whatever a job prints: a run that succeeds prints
/// nothing; a failure still prints its error and its entry's summary line.
final class QuietRunTests: XCTestCase {
    /// Entry "good" loads two lines; entry "bad" reads a file that does not exist, when `failing`.
    private func pipeline(_ workspace: RunWorkspace, failing: Bool) throws {
        try workspace.logFile("app.log", lines: 1...2)
        let bad = """
            , {"id": "bad", "source": "gone", "stream": "lines", "sink": "warehouse", "target": "bad", "mode": "full"}
            """
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}, "gone": {"plugin": "lines", "config": {"path": "missing.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "good", "source": "app", "stream": "lines", "sink": "warehouse", "target": "good", "mode": "full"}\(failing ? bad : "")]
                """)
    }

    func testAQuietRunThatSucceedsPrintsNothingAndStillRecordsTheRun() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace, failing: false)
        let loud = try workspace.run(["run"])
        XCTAssertEqual(loud.status, 0, loud.stderr)
        XCTAssertTrue(loud.stderr.contains(" info "), "without --quiet the sink says it created its table: \(loud.stderr)")
        let quiet = try workspace.run(["run", "--quiet"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id, status, rows_read FROM etl_runs ORDER BY started_at"), "good|ok|2\ngood|ok|2\n")
    }

    func testAQuietRunPrintsTheFailedEntrysSummaryOnly() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace, failing: true)
        let outcome = try workspace.run(["run", "--quiet"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let lines = outcome.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(" summary entry=bad status=failed "), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("missing.log\": No such file or directory"), outcome.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id, status FROM etl_runs ORDER BY entry_id"), "bad|failed\ngood|ok\n")
    }

    func testQuietAndVerboseTogetherAreAUsageError() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace, failing: false)
        let outcome = try workspace.run(["run", "--quiet", "--verbose"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--quiet and --verbose cannot be used together"), outcome.stderr)
    }
}
