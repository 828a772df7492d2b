import Foundation
import TestSupport
import XCTest

/// `etl-runtime cron --every 10m` prints a crontab line that works as cron runs it: from another
/// folder, with absolute paths, quietly, appending to a log file; intervals cron cannot keep
/// evenly are refused.
final class CronCommandTests: XCTestCase {
    private func pipeline(in workspace: RunWorkspace) throws {
        try workspace.logFile("app.log", lines: 1...2)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full"}]"#)
    }

    /// The command of a crontab line, as cron hands it to /bin/sh: after the five time fields,
    /// with `\%` turned back into `%`.
    private func command(of line: Substring) -> String {
        line.split(separator: " ", maxSplits: 5).last.map(String.init)!.replacingOccurrences(of: "\\%", with: "%")
    }

    func testTheLineRunsTheManifestQuietlyFromAnyFolderAndLogsToAFile() throws {
        let workspace = RunWorkspace()
        try pipeline(in: workspace)
        let outcome = try workspace.run(["cron", "--every", "10m"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, outcome.stdout)
        let manifest = workspace.folder.file("plugins.json"), log = workspace.folder.file("etl-runtime.log")
        XCTAssertEqual(lines[0], "# etl-runtime: \(manifest), every 10 minutes; output appended to \(log)")
        let executable = URL(fileURLWithPath: TestPaths.runtimeExecutable).resolvingSymlinksInPath().path
        XCTAssertEqual(String(lines[1]), "*/10 * * * * \(executable) run --manifest \(manifest) --quiet >> \(log) 2>&1")

        let ran = try ProcessRunner.run("/bin/sh", ["-c", "cd / && " + command(of: lines[1])])
        XCTAssertEqual(ran.status, 0, ran.stderr)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "", "a quiet run that succeeds writes nothing")
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id, status, rows_read FROM etl_runs"), "app|ok|2\n")
    }

    func testPathsWithSpacesAndPercentSignsAreQuotedForCron() throws {
        let workspace = RunWorkspace()
        try pipeline(in: workspace)
        try workspace.textFile(".env", "UNUSED=1\n")
        let log = workspace.folder.file("logs 100% mine.log")
        let outcome = try workspace.run(["cron", "--every", "2h", "--log-file", "logs 100% mine.log"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, outcome.stdout)
        XCTAssertEqual(lines[1], "# \(workspace.folder.file(".env")) is read by etl-runtime itself at each run: the line needs no variables")
        XCTAssertTrue(lines[2].hasPrefix("0 */2 * * * "), String(lines[2]))
        XCTAssertTrue(lines[2].hasSuffix(" >> '\(log.replacingOccurrences(of: "%", with: "\\%"))' 2>&1"), String(lines[2]))

        // A failing run writes its error to that log.
        try FileManager.default.removeItem(atPath: workspace.folder.file("app.log"))
        let ran = try ProcessRunner.run("/bin/sh", ["-c", "cd / && " + command(of: lines[2])])
        XCTAssertEqual(ran.status, 1, ran.stderr)
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(logged.contains("summary entry=app status=failed"), logged)
    }

    func testIntervalsCronExpresses() throws {
        let workspace = RunWorkspace()
        try pipeline(in: workspace)
        for (every, fields) in [("1m", "* * * * *"), ("30m", "*/30 * * * *"), ("60m", "0 * * * *"), ("12h", "0 */12 * * *"),
                                ("24h", "0 0 * * *"), ("1d", "0 0 * * *"), ("7d", "0 0 * * 0")] {
            let outcome = try workspace.run(["cron", "--every", every])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertTrue(outcome.stdout.contains("\n\(fields) /"), "\(every): \(outcome.stdout)")
        }
    }

    func testIntervalsCronCannotKeepAreRefused() throws {
        let workspace = RunWorkspace()
        try pipeline(in: workspace)
        let refusals = [
            ("7m", "--every 7m: cron cannot run every 7 minutes evenly (its minute field restarts each hour); use one of 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m, or hours, or keep `etl-runtime run --every 7m` running as a service"),
            ("5h", "--every 5h: cron cannot run every 5 hours evenly (its hour field restarts each day); use one of 1h, 2h, 3h, 4h, 6h, 8h, 12h, or 1d"),
            ("2d", "--every 2d: cron cannot run every 2 days evenly (its day field restarts each month); use 1d or 7d"),
            ("30s", "--every 30s: cron's smallest step is one minute; for seconds keep `etl-runtime run --every 30s` running as a service"),
            ("10w", "--every 10w: unknown unit \"w\"; use m (minutes), h (hours) or d (days), such as 10m, 2h or 1d"),
            ("1.5h", "--every 1.5h: expected a whole number and a unit m, h or d, such as 10m, 2h or 1d"),
        ]
        for (every, message) in refusals {
            let outcome = try workspace.run(["cron", "--every", every])
            XCTAssertEqual(outcome.status, 64, outcome.stderr)
            XCTAssertEqual(outcome.stdout, "")
            XCTAssertEqual(outcome.stderr, "etl-runtime: \(message)\n")
        }
        let missing = try workspace.run(["cron", "--every", "10m", "--manifest", "nope.json"])
        XCTAssertEqual(missing.status, 64, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no manifest at \(workspace.folder.file("nope.json")); name it with --manifest"), missing.stderr)
    }
}
