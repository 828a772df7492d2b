import Foundation
import TestSupport
import XCTest

/// What each run read is recorded with the run (`etl_runs.reads`): a SQL model's tables, as its
/// sink found them while compiling the query, and an entry's `source:stream`. `history` shows it
/// per run, `status` beside the model's `depends_on`, and a run warns when a model reads what an
/// entry it does not depend on loads.
final class ModelLineageTests: XCTestCase {
    /// orders.csv → stage_orders (stage), stage_customers (customers), and the model `fact`
    /// joining both, with the `depends_on` given.
    @discardableResult
    private func pipeline(in workspace: RunWorkspace = RunWorkspace(),
                          factSQL: String = "SELECT o.customer, c.city, sum(o.amount) AS revenue FROM stage_orders o JOIN stage_customers c ON c.name = o.customer GROUP BY 1, 2",
                          factDependsOn: [String] = ["stage", "customers"], extraEntries: String = "") throws -> RunWorkspace {
        try workspace.textFile("orders.csv", "id,customer,amount\n1,ana,10\n2,bo,5\n3,ana,7\n")
        try workspace.textFile("customers.csv", "name,city\nana,Recife\nbo,Natal\n")
        let dependsOn = factDependsOn.map { "\"\($0)\"" }.joined(separator: ", ")
        try workspace.manifest(
            sources: """
                {"orders": {"plugin": "csv", "config": {"path": "orders.csv", "stream": "orders"}},
                 "customers": {"plugin": "csv", "config": {"path": "customers.csv", "stream": "customers"}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "stage", "source": "orders", "stream": "orders", "sink": "warehouse", "target": "stage_orders", "mode": "full"},
                 {"id": "customers", "source": "customers", "stream": "customers", "sink": "warehouse", "target": "stage_customers", "mode": "full"},
                 {"id": "fact", "sink": "warehouse", "target": "fact_revenue", "depends_on": [\(dependsOn)],
                  "sql": "\(factSQL)"}\(extraEntries)]
                """)
        return workspace
    }

    func testAModelRunRecordsTheTablesItsQueryRead() throws {
        let workspace = try pipeline()
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT reads FROM etl_runs WHERE entry_id = 'fact'"), #"["stage_customers","stage_orders"]"# + "\n")
    }

    func testAnEntryWithASourceRecordsItsSourceAndStream() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.stateQuery("SELECT entry_id, reads FROM etl_runs WHERE entry_id <> 'fact' ORDER BY entry_id"), """
            customers|["customers:customers"]
            stage|["orders:orders"]

            """)
        let status = try workspace.run(["status"])
        XCTAssertFalse(status.stdout.contains("stage: last run read"), "the table already shows an entry's source: \(status.stdout)")
    }

    func testARunThatEndsBeforeReadingRecordsNothingRead() throws {
        let workspace = try pipeline()
        try FileManager.default.removeItem(atPath: workspace.folder.file("orders.csv"))
        let run = try workspace.run(["run", "--entry", "stage"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT status, quote(reads) FROM etl_runs"), "failed|NULL\n")
    }

    func testHistoryShowsWhatEachRunRead() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let history = try workspace.run(["history"])
        XCTAssertEqual(history.status, 0, history.stderr)
        let lines = history.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.contains("REJECTED  READS") ?? false, history.stdout)
        XCTAssertTrue(lines.contains { $0.contains(" fact ") && $0.contains(" stage_customers,stage_orders ") }, history.stdout)
        XCTAssertTrue(lines.contains { $0.contains(" stage ") && $0.contains(" orders:orders ") }, history.stdout)

        let json = try workspace.run(["history", "--json", "--entry", "fact"])
        let runs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(runs.first?["reads"] as? [String], ["stage_customers", "stage_orders"])
    }

    func testStatusShowsTheTablesAModelsLastRunReadBesideItsDependsOn() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let status = try workspace.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("fact: depends on stage, customers\nfact: last run read stage_customers, stage_orders\n"), status.stdout)

        let json = try workspace.run(["status", "--json"])
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let fact = try XCTUnwrap(rows.first { $0["id"] as? String == "fact" })
        XCTAssertEqual(fact["reads"] as? [String], ["stage_customers", "stage_orders"])
        XCTAssertEqual(fact["reads_run_id"] as? String, fact["last_run_id"] as? String)
    }

    func testStatusNamesTheEarlierRunWhenTheLastOneFailedBeforeItsQueryRan() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let firstRun = try workspace.stateQuery("SELECT run_id FROM etl_runs WHERE entry_id = 'fact'").trimmingCharacters(in: .newlines)
        try pipeline(in: workspace, factSQL: "SELECT nope FROM stage_orders")
        let failed = try workspace.run(["run", "--entry", "fact"])
        XCTAssertNotEqual(failed.status, 0, failed.stderr)
        let status = try workspace.run(["status"])
        XCTAssertTrue(status.stdout.contains("fact: read stage_customers, stage_orders in run \(firstRun) (its last run to read; the latest,"), status.stdout)
    }

    func testAModelThatReadsAnEntrysTargetWithoutDependingOnItIsWarnedWithTheEntryToAdd() throws {
        let workspace = try pipeline(factDependsOn: ["stage"])
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, "a warning, not a failure: \(run.stderr)")
        XCTAssertTrue(run.stderr.contains(
            #"warning entry=fact: SQL model fact read stage_customers, which entry customers loads, but customers is not in its depends_on: "#
                + #"run may start fact before customers has loaded (or beside it, with --jobs), and then fact reads the previous load. "#
                + #"Add "customers" to $.control_table[2].depends_on"#), run.stderr)
        XCTAssertFalse(run.stderr.contains("which entry stage loads"), "stage is declared: \(run.stderr)")
    }

    func testAnUpstreamReachedThroughAnotherUpstreamNeedsNoWarning() throws {
        // fact → mid → stage: fact reads stage_orders, and runs after stage through mid.
        let workspace = try pipeline(
            factSQL: "SELECT customer, sum(amount) AS revenue FROM stage_orders GROUP BY customer", factDependsOn: ["mid"],
            extraEntries: #", {"id": "mid", "sink": "warehouse", "target": "mid", "depends_on": ["stage"], "sql": "SELECT count(*) AS n FROM stage_orders"}"#)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("is not in its depends_on"), run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT reads FROM etl_runs WHERE entry_id = 'fact'"), #"["stage_orders"]"# + "\n")
    }
}
