import Foundation
import TestSupport
import XCTest

/// `run` with `depends_on`: entries run after their upstreams, an entry whose upstream did not
/// succeed is skipped and recorded so, and `--with-upstream` / `--with-downstream` pick the
/// entries around the named ones.
final class DependentEntriesRunTests: XCTestCase {
    func testEntriesRunAfterTheirUpstreamsWhateverTheManifestOrder() throws {
        let workspace = RunWorkspace()
        try workspace.layeredPeopleManifest()
        try workspace.peopleFile(1...3)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, name FROM people_dim ORDER BY id"), "1|N1\n2|N2\n3|N3\n")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT people FROM people_report"), "3\n")
        // One job: each entry as soon as its upstreams ended, the first such in manifest order.
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id FROM etl_runs ORDER BY rowid"), "people\npeople_dim\npeople_report\nother\n")
    }

    func testAnEntryWhoseUpstreamFailedIsSkippedAndTheRunExits1() throws {
        let workspace = RunWorkspace()
        try workspace.layeredPeopleManifest()
        try workspace.peopleFile(1...3)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // The next load of people fails (a row whose id is not a number, and no rejects allowed).
        try workspace.textFile("in.csv", "id,name\n1,n1\nx,bad\n")
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(RunWorkspace.summaryLine("people", in: outcome.stderr).contains("status=failed"), outcome.stderr)
        let skippedDim = RunWorkspace.summaryLine("people_dim", in: outcome.stderr)
        XCTAssertTrue(skippedDim.contains("status=skipped read=0 written=0 rejected=0"), outcome.stderr)
        XCTAssertTrue(skippedDim.contains("error=upstream people failed in this run; this entry was not run"), skippedDim)
        XCTAssertTrue(
            RunWorkspace.summaryLine("people_report", in: outcome.stderr).contains("error=upstream people_dim was skipped in this run"),
            outcome.stderr)
        XCTAssertTrue(RunWorkspace.summaryLine("other", in: outcome.stderr).contains("status=ok"), "an entry that depends on nothing still runs")
        // What the skipped entries built stays as the last good run left it.
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM people_dim"), "3\n")

        let runs = try workspace.stateQuery(
            "SELECT entry_id, status, error FROM etl_runs WHERE run_id = (SELECT max(run_id) FROM etl_runs) AND status = 'skipped' ORDER BY entry_id")
        XCTAssertTrue(runs.hasPrefix("people_dim|skipped|upstream people failed in this run"), runs)
        XCTAssertTrue(runs.contains("people_report|skipped|upstream people_dim was skipped in this run"), runs)
        XCTAssertEqual(try workspace.stateQuery("SELECT last_status FROM etl_control WHERE id = 'people_dim'"), "skipped\n")

        let status = try workspace.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("people_dim: depends on people\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("people_dim: last run skipped: upstream people failed in this run"), status.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(try workspace.run(["status", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let dim = try XCTUnwrap(json.first { $0["id"] as? String == "people_dim" })
        XCTAssertEqual(dim["last_status"] as? String, "skipped")
        XCTAssertEqual(dim["depends_on"] as? [String], ["people"])
        XCTAssertEqual(json.first { $0["id"] as? String == "people" }?["depends_on"] as? [String], [])

        let history = try workspace.run(["history", "--entry", "people_dim"])
        XCTAssertTrue(history.stdout.contains("skipped"), history.stdout)
        XCTAssertTrue(history.stdout.contains("upstream people failed in this run"), history.stdout)
    }

    func testInProcessRunsSkipTheSameWay() throws {
        let workspace = RunWorkspace()
        try workspace.layeredPeopleManifest()
        try workspace.textFile("in.csv", "id,name\nx,bad\n")
        let outcome = try workspace.run(["run", "--in-process", "--jobs", "2"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(RunWorkspace.summaryLine("people_dim", in: outcome.stderr).contains("status=skipped"), outcome.stderr)
        XCTAssertTrue(RunWorkspace.summaryLine("people_report", in: outcome.stderr).contains("status=skipped"), outcome.stderr)
        XCTAssertTrue(RunWorkspace.summaryLine("other", in: outcome.stderr).contains("status=ok"), outcome.stderr)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT entry_id, status FROM etl_runs ORDER BY entry_id"),
            "other|ok\npeople|failed\npeople_dim|skipped\npeople_report|skipped\n")
    }

    func testJobsRunIndependentEntriesSideBySideAndDependentOnesInTurn() throws {
        let workspace = RunWorkspace()
        try workspace.layeredPeopleManifest()
        try workspace.peopleFile(1...20000)
        let outcome = try workspace.run(["run", "--jobs", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM people_dim"), "20000\n")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT people FROM people_report"), "20000\n")
        // Each dependent entry started after its upstream ended; people and other started together.
        let times = try workspace.stateQuery("SELECT entry_id, started_at, ended_at FROM etl_runs")
        var byEntry: [String: (started: String, ended: String)] = [:]
        for line in times.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            byEntry[fields[0]] = (fields[1], fields[2])
        }
        let people = try XCTUnwrap(byEntry["people"]), dim = try XCTUnwrap(byEntry["people_dim"])
        let report = try XCTUnwrap(byEntry["people_report"]), other = try XCTUnwrap(byEntry["other"])
        XCTAssertGreaterThanOrEqual(dim.started, people.ended)
        XCTAssertGreaterThanOrEqual(report.started, dim.ended)
        XCTAssertLessThan(other.started, people.ended, "other does not wait for people: two jobs run at once")
    }

    func testWithUpstreamAndWithDownstreamAddTheEntriesAroundTheNamedOne() throws {
        let workspace = RunWorkspace()
        try workspace.layeredPeopleManifest()
        try workspace.peopleFile(1...3)
        let alone = try workspace.run(["run", "--entry", "people_dim"])
        XCTAssertEqual(alone.status, 78, "people_dim alone reads a table no run has loaded yet: its source refuses the query")

        let dryRun = try workspace.run(["run", "--entry", "people_report", "--with-upstream", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertEqual(dryRun.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }, ["people", "people_dim", "people_report"])
        XCTAssertTrue(dryRun.stdout.contains("→ warehouse.people_dim (replace) from scratch, after people\n"), dryRun.stdout)

        let upstream = try workspace.run(["run", "--entry", "people_dim", "--with-upstream"])
        XCTAssertEqual(upstream.status, 0, upstream.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id FROM etl_runs WHERE run_id = (SELECT max(run_id) FROM etl_runs) ORDER BY rowid"), "people\npeople_dim\n")

        let downstream = try workspace.run(["run", "--entry", "people", "--with-downstream"])
        XCTAssertEqual(downstream.status, 0, downstream.stderr)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT entry_id FROM etl_runs WHERE run_id = (SELECT max(run_id) FROM etl_runs) ORDER BY rowid"),
            "people\npeople_dim\npeople_report\n")

        let withoutEntry = try workspace.run(["run", "--with-upstream"])
        XCTAssertEqual(withoutEntry.status, 64, withoutEntry.stderr)
        XCTAssertTrue(withoutEntry.stderr.contains("--with-upstream needs --entry"), withoutEntry.stderr)
    }

    func testValidateRefusesACycleAndAnUnknownUpstream() throws {
        let workspace = RunWorkspace()
        try workspace.peopleFile(1...3)
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "a", "source": "file", "stream": "in", "sink": "warehouse", "target": "a", "mode": "full", "depends_on": ["b"]},
                 {"id": "b", "source": "file", "stream": "in", "sink": "warehouse", "target": "b", "mode": "full", "depends_on": ["a", "c"]}]
                """)
        for command in [["validate"], ["run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(
                "plugins.json:2: $.control_table[0].depends_on[0]: depends_on forms a cycle: a → b → a"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(
                #"plugins.json:3: $.control_table[1].depends_on[1]: no entry with id "c" in the control table"#), outcome.stderr)
        }
    }
}
