import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// Many hosts, one manifest: `"state": {"url": ...}` puts the control table in PostgreSQL, and
/// `run` processes on several "hosts" (each a folder of its own: its own copy of the manifest
/// and data, its own local locks) share it. Each entry run is claimed by exactly one of them.
final class SharedPostgresStateTests: XCTestCase {
    /// A host's folder: plugins.json with the state in `database`, a csv sink into it.
    /// "side" loads into a schema of its own, so its loads never wait on those of "warehouse".
    private func host(_ database: PostgresTestDatabase, entries: String, sources: String? = nil) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("people.csv", "id,name\n" + (1...50).map { "\($0),person \($0)" }.joined(separator: "\n") + "\n")
        let defaultSources = #"{"file": {"plugin": "csv", "config": {"path": "people.csv", "header": true}}}"#
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"url": "\(database.url())", "schema": "shared_state"},
             "sources": \(sources ?? defaultSources),
             "sinks": {"warehouse": {"plugin": "postgres", "config": {"url": "\(database.url())"}},
                       "side": {"plugin": "postgres", "config": {"url": "\(database.url())", "schema": "side"}}},
             "control_table": \(entries)}
            """)
        return workspace
    }

    private static let sixEntries = "[" + (1...6).map {
        #"{"id": "people_\#($0)", "source": "file", "stream": "people", "sink": "warehouse", "target": "people_\#($0)", "mode": "full"}"#
    }.joined(separator: ", ") + "]"

    func testThreeHostsStartedAtOnceRunEveryEntryExactlyOnce() throws {
        let database = try PostgresTestDatabase()
        let hosts = try (0..<3).map { _ in try host(database, entries: Self.sixEntries) }
        let runs = try hosts.map { try $0.startRun(["run", "--jobs", "2"]) }
        let ended = runs.map(finish)
        for end in ended { XCTAssertEqual(end.status, 0, end.stderr) }
        XCTAssertEqual(
            try database.connection.rows("SELECT entry_id, status, count(*) FROM shared_state.etl_runs GROUP BY 1, 2 ORDER BY 1, 2"),
            (1...6).map { ["people_\($0)", "ok", "1"] })
        let summaries = ended.flatMap { $0.stderr.split(separator: "\n").filter { $0.contains(" summary entry=") } }
        XCTAssertEqual(summaries.filter { $0.contains("status=ok") }.count, 6, "\(summaries)")
        XCTAssertEqual(summaries.filter { $0.contains("status=elsewhere") }.count, 12, "\(summaries)")
        XCTAssertTrue(summaries.filter { $0.contains("status=elsewhere") }.allSatisfy { $0.contains("elsewhere: another host") },
                      "\(summaries)")
        for index in 1...6 {
            XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM people_\(index)"), "50")
        }
        XCTAssertEqual(try database.connection.scalar("SELECT count(DISTINCT host) FROM shared_state.etl_runs"), "1")
    }

    /// A slow entry, then a quick one: a host running one entry at a time reaches "small" only
    /// after "big", which leaves time for another host to run "small" meanwhile (`host` writes
    /// the people.csv that "small" reads).
    private static let bigThenSmall = """
        [{"id": "big", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "big", "mode": "full", "batch_size": 20000},
         {"id": "small", "source": "file", "stream": "people", "sink": "side", "target": "small", "mode": "full"}]
        """
    private static let bigThenSmallSources =
        #"{"gen": {"plugin": "datagen", "config": {"rows": 300000, "seed": 5}}, "file": {"plugin": "csv", "config": {"path": "people.csv", "header": true}}}"#

    /// Waits until the run of "big" by `process` is recorded as running (or the process ended).
    private func waitUntilBigRuns(_ process: Process, _ watcher: PostgresTestConnection) throws {
        try waitUntil("big under way", timeout: 60, interval: 0.005) {
            !process.isRunning || (try? watcher.scalar(
                "SELECT count(*) FROM shared_state.etl_runs WHERE entry_id = 'big' AND status = 'running'")) == "1"
        }
    }

    func testAnEntryAnotherHostRanSinceThisRoundBeganIsNotRunAgainButTheNextTickRunsIt() throws {
        let database = try PostgresTestDatabase()
        let (entries, sources) = (Self.bigThenSmall, Self.bigThenSmallSources)
        let busy = try host(database, entries: entries, sources: sources)
        let quick = try host(database, entries: entries, sources: sources)
        let watcher = try PostgresTestConnection(database.keywords)
        // One entry at a time: this host reaches "small" only after "big".
        let round = try busy.startRun(["run", "--jobs", "1"])
        try waitUntilBigRuns(round.process, watcher)
        let other = try quick.run(["run", "--entry", "small"])
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("summary entry=small status=ok"), other.stderr)
        let ended = finish(round)
        XCTAssertEqual(ended.status, 0, ended.stderr)
        XCTAssertTrue(ended.stderr.contains("summary entry=big status=ok"), ended.stderr)
        XCTAssertTrue(ended.stderr.contains("summary entry=small status=elsewhere"), ended.stderr)
        XCTAssertTrue(ended.stderr.contains("ran elsewhere: another host's run of it began after this round began"), ended.stderr)
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM shared_state.etl_runs WHERE entry_id = 'small'"), "1")
        // The next tick is a new round: the full entry runs again.
        let next = try busy.run(["run", "--entry", "small"])
        XCTAssertTrue(next.stderr.contains("summary entry=small status=ok"), next.stderr)
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM shared_state.etl_runs WHERE entry_id = 'small' AND status = 'ok'"), "2")
    }

    /// The same-round rule compares one host's round start with another's run start: both are
    /// read from the state server's clock, so hosts whose own clocks are hours apart agree.
    func testHostsWhoseClocksAreHoursOffRunEachEntryOnceARoundAndStampRunsWithTheServersTime() throws {
        let database = try PostgresTestDatabase()
        let (entries, sources) = (Self.bigThenSmall, Self.bigThenSmallSources)
        let ahead = try host(database, entries: entries, sources: sources)
        let behind = try host(database, entries: entries, sources: sources)
        let onTime = try host(database, entries: entries, sources: sources)
        let watcher = try PostgresTestConnection(database.keywords)
        // The host two hours ahead runs one entry at a time: it reaches "small" only after "big".
        let round = try ahead.startRun(["run", "--jobs", "1"], clockOffset: "+2h")
        try waitUntilBigRuns(round.process, watcher)
        let other = try behind.run(["run", "--entry", "small"], clockOffset: "-2h")
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("summary entry=small status=ok"), other.stderr)
        let ended = finish(round)
        XCTAssertEqual(ended.status, 0, ended.stderr)
        XCTAssertTrue(ended.stderr.contains("summary entry=big status=ok"), ended.stderr)
        XCTAssertTrue(ended.stderr.contains("summary entry=small status=elsewhere"), "small ran twice in one round: \(ended.stderr)")
        // The skew is real: each host stamps its own log lines with its own clock.
        XCTAssertEqual(try Self.hoursOff(ended.stderr), 2, ended.stderr)
        XCTAssertEqual(try Self.hoursOff(other.stderr), -2, other.stderr)

        // The next tick, on a host whose clock is right, is a new round: both entries run again,
        // though the host ahead stamped its run of "big" two hours later on its own clock.
        let next = try onTime.run(["run"])
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("summary entry=big status=ok"), next.stderr)
        XCTAssertTrue(next.stderr.contains("summary entry=small status=ok"), next.stderr)
        XCTAssertEqual(
            try watcher.rows("SELECT entry_id, status, count(*) FROM shared_state.etl_runs GROUP BY 1, 2 ORDER BY 1, 2"),
            [["big", "ok", "2"], ["small", "ok", "2"]])
        // Every time stored is the server's: within minutes of its now(), not two hours off.
        let farFromServer = """
            SELECT count(*) FROM shared_state.etl_runs
            WHERE abs(extract(epoch FROM now() - started_at::timestamptz)) > 300
               OR abs(extract(epoch FROM now() - ended_at::timestamptz)) > 300
            """
        let stamps = try watcher.rows("SELECT entry_id, started_at, ended_at, now() FROM shared_state.etl_runs")
        XCTAssertEqual(try watcher.scalar(farFromServer), "0", "\(stamps)")
        XCTAssertEqual(try watcher.scalar("""
            SELECT count(*) FROM shared_state.etl_control WHERE abs(extract(epoch FROM now() - last_run_at::timestamptz)) > 300
            """), "0")
        // In the one format a SQLite state's times have too (text order is time order).
        XCTAssertEqual(try watcher.scalar(#"""
            SELECT count(*) FROM shared_state.etl_runs
            WHERE started_at !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' OR ended_at !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
            """#), "0", "\(stamps)")
    }

    /// How many hours the clock that stamped the summary lines of `stderr` is off this host's.
    private static func hoursOff(_ stderr: String) throws -> Int {
        let line = try XCTUnwrap(stderr.split(separator: "\n").first { $0.contains(" summary entry=") }, stderr)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamped = try XCTUnwrap(parser.date(from: String(line.prefix { $0 != " " })), String(line))
        return Int((stamped.timeIntervalSinceNow / 3600).rounded())
    }

    func testARunnerKilledMidEntryIsRecordedKilledAndTheNextTickOnAnotherHostRunsTheEntry() throws {
        let database = try PostgresTestDatabase()
        let entries = #"[{"id": "big", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "big", "mode": "full", "batch_size": 20000}]"#
        let sources = #"{"gen": {"plugin": "datagen", "config": {"rows": 300000, "seed": 5}}}"#
        let first = try host(database, entries: entries, sources: sources)
        let second = try host(database, entries: entries, sources: sources)
        let third = try host(database, entries: entries, sources: sources)
        let watcher = try PostgresTestConnection(database.keywords)
        let killed = try first.startRun(["run"])
        try waitUntilBigRuns(killed.process, watcher)
        XCTAssertTrue(killed.process.isRunning, "the run ended before it could be killed")

        // While the first host holds the claim, another host's tick leaves the entry alone (exit 0).
        let meanwhile = try third.run(["run"])
        XCTAssertEqual(meanwhile.status, 0, meanwhile.stderr)
        XCTAssertTrue(meanwhile.stderr.contains("summary entry=big status=elsewhere"), meanwhile.stderr)
        XCTAssertTrue(meanwhile.stderr.contains("running elsewhere: another host holds its claim"), meanwhile.stderr)

        kill(killed.process.processIdentifier, SIGKILL)
        _ = finish(killed)
        // The server frees the claim when it sees the connection close.
        try waitUntil("the claim freed", timeout: 10, interval: 0.01) {
            (try? watcher.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) == "0"
        }
        let next = try second.run(["run"])
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("summary entry=big status=ok"), next.stderr)
        XCTAssertEqual(
            try watcher.rows("SELECT status, count(*) FROM shared_state.etl_runs WHERE entry_id = 'big' GROUP BY status ORDER BY status"),
            [["killed", "1"], ["ok", "1"]])
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM big"), "300000")
        let history = try second.run(["history", "--entry", "big"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.contains("killed"), history.stdout)
    }

    func testADownstreamOfAnEntryRunningOnAnotherHostIsLeftToThatHost() throws {
        let database = try PostgresTestDatabase()
        let entries = """
            [{"id": "big", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "big", "mode": "full", "batch_size": 20000},
             {"id": "after_big", "source": "file", "stream": "people", "sink": "side", "target": "after_big", "mode": "full", "depends_on": ["big"]}]
            """
        let sources = #"{"gen": {"plugin": "datagen", "config": {"rows": 300000, "seed": 5}}, "file": {"plugin": "csv", "config": {"path": "people.csv", "header": true}}}"#
        let busy = try host(database, entries: entries, sources: sources)
        let other = try host(database, entries: entries, sources: sources)
        let watcher = try PostgresTestConnection(database.keywords)
        let round = try busy.startRun(["run"])
        try waitUntilBigRuns(round.process, watcher)
        let meanwhile = try other.run(["run"])
        XCTAssertEqual(meanwhile.status, 0, meanwhile.stderr)
        XCTAssertTrue(meanwhile.stderr.contains("summary entry=after_big status=elsewhere"), meanwhile.stderr)
        XCTAssertTrue(meanwhile.stderr.contains("upstream big runs on another host, which runs this entry after it"), meanwhile.stderr)
        let ended = finish(round)
        XCTAssertEqual(ended.status, 0, ended.stderr)
        XCTAssertEqual(
            try watcher.rows("SELECT entry_id, status FROM shared_state.etl_runs ORDER BY started_at"),
            [["big", "ok"], ["after_big", "ok"]])
        XCTAssertEqual(try watcher.scalar("SELECT last_status FROM shared_state.etl_control WHERE id = 'after_big'"), "ok")
    }

    func testStatusHistoryAndValidateReadTheSharedState() throws {
        let database = try PostgresTestDatabase()
        let workspace = try host(database, entries: Self.sixEntries)
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        XCTAssertEqual(try database.connection.scalar("SELECT value FROM shared_state.etl_meta WHERE key = 'schema_version'"), "3")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let status = try workspace.run(["status", "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]], status.stdout)
        XCTAssertEqual(rows.map { $0["id"] as? String }, (1...6).map { "people_\($0)" })
        XCTAssertTrue(rows.allSatisfy { $0["last_status"] as? String == "ok" && $0["rows_loaded"] as? Int == 50 }, status.stdout)
        let history = try workspace.run(["history", "--entry", "people_3"])
        XCTAssertEqual(history.stdout.split(separator: "\n").count, 2, history.stdout)
        XCTAssertTrue(history.stdout.hasPrefix("RUN"), history.stdout)
        XCTAssertTrue(history.stdout.contains(" HOST "), "a shared state says which host ran each run: \(history.stdout)")
        XCTAssertTrue(history.stdout.contains(ProcessInfo.processInfo.hostName), history.stdout)
        let historyJSON = try workspace.run(["history", "--entry", "people_3", "--json"])
        let runs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(historyJSON.stdout.utf8)) as? [[String: Any]], historyJSON.stdout)
        XCTAssertEqual(runs.first?["host"] as? String, ProcessInfo.processInfo.hostName)
        let reset = try workspace.run(["state", "reset", "people_2"])
        XCTAssertEqual(reset.status, 0, reset.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT state_override FROM shared_state.etl_control WHERE id = 'people_2'"), "1")
        XCTAssertEqual(try workspace.run(["state", "set", "people_4", #"{"offset": 7}"#]).status, 0)
        XCTAssertEqual(try workspace.run(["state", "show", "people_4"]).stdout, "{\"offset\": 7}\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("state/etl_state.db")), "no SQLite state is written")
    }

    func testAWrongOrUnsetStatePasswordStopsTheRunWithExit78WithoutShowingThePassword() throws {
        let database = try PostgresTestDatabase(owner: try PostgresTestServer.require().passwordUser)
        let workspace = try host(database, entries: Self.sixEntries)
        var manifest = try String(contentsOfFile: workspace.folder.file("plugins.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(
            of: #""state": {"url": "\#(database.url())", "schema": "shared_state"}"#,
            with: #""state": {"url": "\#(database.url(user: database.server.passwordUser))", "password_env": "STATE_PASSWORD"}"#)
        try manifest.write(toFile: workspace.folder.file("plugins.json"), atomically: false, encoding: .utf8)
        let unset = try workspace.run(["validate"])
        XCTAssertEqual(unset.status, 78, unset.stderr + unset.stdout)
        XCTAssertTrue(unset.stderr.contains("state.password_env names STATE_PASSWORD, which is not set"), unset.stderr)
        let secret = "Wr0ng-State-Passw0rd"
        try workspace.folder.write(".env", "STATE_PASSWORD=\(secret)\n")
        let wrong = try workspace.run(["run"])
        XCTAssertEqual(wrong.status, 78, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("password authentication failed"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains(secret) || wrong.stdout.contains(secret), wrong.stderr)
        try workspace.folder.write(".env", "STATE_PASSWORD=\(database.server.password)\n")
        let right = try workspace.run(["run", "--entry", "people_1"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM etl_runtime.etl_runs WHERE status = 'ok'"), "1")
    }
}
