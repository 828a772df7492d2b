import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `run --every` with the state in PostgreSQL: each round is a run of its own, whose start is
/// read from the state server's clock, like every time the shared state stores or compares.
/// A round that took its start from a host clock behind the server's would find the previous
/// round's runs "begun after this round began" and leave every entry as ran elsewhere.
final class PostgresStateEveryRoundsTests: XCTestCase {
    /// 50 csv rows; `drip` loads them 20 a run into a postgres sink, `snapshot` reloads them whole.
    private func host(_ database: PostgresTestDatabase) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("people.csv", "id,name\n" + (1...50).map { "\($0),person \($0)" }.joined(separator: "\n") + "\n")
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"url": "\(database.url())", "schema": "shared_state"},
             "sources": {"file": {"plugin": "csv", "config": {"path": "people.csv", "header": true,
                           "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}},
             "sinks": {"warehouse": {"plugin": "postgres", "config": {"url": "\(database.url())"}}},
             "control_table": [
               {"id": "drip", "source": "file", "stream": "people", "sink": "warehouse", "target": "drip", "mode": "incremental",
                "write": "append", "cursor_field": "$offset", "max_records_per_run": 20},
               {"id": "snapshot", "source": "file", "stream": "people", "sink": "warehouse", "target": "snapshot", "mode": "full"}]}
            """)
        return workspace
    }

    func testEveryRoundOfAHostWhoseClockIsHoursBehindRunsEachEntryOnceStampedWithTheServersTime() throws {
        let database = try PostgresTestDatabase()
        let workspace = try host(database)
        let watcher = try PostgresTestConnection(database.keywords)
        let run = try workspace.startRun(["run", "--every", "0.5s"], clockOffset: "-3h")
        // `faketime` runs etl-runtime as its child and passes no signal on: the child is stopped.
        let runtime = try XCTUnwrap(try waitForChild(of: run.process.processIdentifier))
        defer { if run.process.isRunning { kill(runtime, SIGKILL) } }
        let roundsDone = "SELECT count(*) FROM (SELECT run_id FROM shared_state.etl_runs WHERE status = 'ok' GROUP BY run_id HAVING count(*) = 2) r"
        try waitUntil("three rounds of both entries", timeout: 30, interval: 0.05) {
            !run.process.isRunning || ((try? watcher.scalar(roundsDone)).flatMap { $0 }.flatMap { Int($0) } ?? 0) >= 3
        }
        XCTAssertTrue(run.process.isRunning, "the run ended before its third round")
        kill(runtime, SIGTERM)
        let ended = finish(run)
        XCTAssertEqual(ended.status, 143, ended.stderr)
        XCTAssertFalse(ended.stderr.contains("status=elsewhere"), "a round took the previous round's runs for another host's: \(ended.stderr)")

        // Each round (a run id) ran each entry once; only the round the stop cut short may lack one.
        let rounds = try watcher.rows("""
            SELECT run_id, count(*) FILTER (WHERE entry_id = 'drip'), count(*) FILTER (WHERE entry_id = 'snapshot'),
                   bool_and(status = 'ok') FROM shared_state.etl_runs GROUP BY run_id ORDER BY min(started_at)
            """)
        XCTAssertGreaterThanOrEqual(rounds.count, 3, "\(rounds)")
        let complete = rounds.filter { $0[3] == "t" }
        XCTAssertGreaterThanOrEqual(complete.count, 3, "\(rounds)")
        XCTAssertTrue(complete.allSatisfy { $0[1] == "1" && $0[2] == "1" }, "\(rounds)")
        XCTAssertTrue(rounds.allSatisfy { $0[1] != nil && Int($0[1]!)! <= 1 && Int($0[2]!)! <= 1 }, "\(rounds)")
        // The incremental entry went on from its watermark round after round: every row once.
        XCTAssertEqual(try watcher.rows("SELECT count(*), count(DISTINCT id) FROM drip"), [["50", "50"]])
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM snapshot"), "50")

        // Every start and end is the server's time, not three hours behind it, in the state's
        // one format, and each round started after the one before ended.
        let stamps = try watcher.rows("SELECT entry_id, run_id, started_at, ended_at, now() FROM shared_state.etl_runs ORDER BY started_at")
        XCTAssertEqual(try watcher.scalar("""
            SELECT count(*) FROM shared_state.etl_runs
            WHERE abs(extract(epoch FROM now() - started_at::timestamptz)) > 300
               OR abs(extract(epoch FROM now() - coalesce(ended_at, started_at)::timestamptz)) > 300
            """), "0", "\(stamps)")
        XCTAssertEqual(try watcher.scalar(#"""
            SELECT count(*) FROM shared_state.etl_runs WHERE started_at !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
            """#), "0", "\(stamps)")
        XCTAssertEqual(try watcher.scalar("""
            SELECT count(*) FROM (SELECT run_id, min(started_at) AS began, max(ended_at) AS ended FROM shared_state.etl_runs GROUP BY run_id) a
            JOIN (SELECT run_id, min(started_at) AS began FROM shared_state.etl_runs GROUP BY run_id) b
              ON b.began > a.began AND b.began < a.ended
            """), "0", "rounds overlap: \(stamps)")
        // The skew is real: the host stamps its own log lines three hours behind.
        let line = try XCTUnwrap(ended.stderr.split(separator: "\n").first { $0.contains(" summary entry=") }, ended.stderr)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamped = try XCTUnwrap(parser.date(from: String(line.prefix { $0 != " " })), String(line))
        XCTAssertEqual(Int((stamped.timeIntervalSinceNow / 3600).rounded()), -3, String(line))
    }

    /// The process `parent` started (found by its parent pid in /proc), once there is one.
    private func waitForChild(of parent: pid_t) throws -> pid_t? {
        var child: pid_t?
        try waitUntil("faketime to start etl-runtime", timeout: 10, interval: 0.01) {
            child = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).lazy.compactMap { entry -> pid_t? in
                guard entry.allSatisfy(\.isNumber), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return nil }
                // After "pid (command) state": the parent's pid.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 1 && fields[1] == "\(parent)" ? pid_t(entry) : nil
            }.first
            return child != nil
        }
        return child
    }
}
