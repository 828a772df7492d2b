import Foundation
import TestSupport
import XCTest

/// A stage entry with transforms (Portuguese headers renamed, decimal commas and day-first dates
/// cast) and an SQL model built on it that depends on it: the manifest order does not matter, the
/// model sees the typed stage table, and a stage that fails leaves the model skipped.
final class LayeredPipelineTests: XCTestCase {
    private func workspace(sales: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.textFile("vendas.csv", sales)
        try workspace.manifest(
            sources: #"""
                {"f": {"plugin": "csv", "config": {"path": "vendas.csv", "delimiter": ";", "stream": "vendas",
                  "columns": [{"name": "cliente", "type": "text"}, {"name": "valor", "type": "text"}, {"name": "data", "type": "text"}]}}}
                """#,
            sinks: #"{"w": {"plugin": "sqlite", "config": {"path": "w.db"}}}"#,
            entries: #"""
                [{"id": "revenue", "sink": "w", "target": "revenue", "materialize": "table", "depends_on": ["stage"],
                  "sql": "SELECT customer, round(sum(amount), 2) AS total FROM stage_sales GROUP BY customer ORDER BY customer"},
                 {"id": "stage", "source": "f", "stream": "vendas", "sink": "w", "target": "stage_sales", "mode": "full",
                  "transforms": [{"rename": {"cliente": "customer", "valor": "amount", "data": "sold_at"}},
                                 {"cast": {"amount": {"type": "double", "decimal": ",", "thousands": "."},
                                           "sold_at": {"type": "timestamp", "format": "%d/%m/%Y %H:%M"}}}]}]
                """#)
        return workspace
    }

    private func query(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("w.db"), sql]).stdout
    }

    func testTheModelRunsAfterItsTransformedStageWhateverTheManifestOrder() throws {
        let workspace = try workspace(sales: "cliente;valor;data\nAna;1.234,56;05/12/2026 10:00\nBruno;99,90;06/12/2026 11:30\nAna;10,00;06/12/2026 12:00\n")
        let plan = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(plan.stdout.split(separator: "\n").map(String.init), [
            "stage: full f.vendas → w.stage_sales (replace) from scratch",
            "revenue: SQL model → w.revenue (materialize table) from scratch, after stage",
        ])
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try query(workspace, "SELECT customer, amount, sold_at FROM stage_sales ORDER BY rowid"),
                       "Ana|1234.56|2026-12-05 10:00:00.000000\nBruno|99.9|2026-12-06 11:30:00.000000\nAna|10.0|2026-12-06 12:00:00.000000\n")
        XCTAssertEqual(try query(workspace, "SELECT * FROM revenue"), "Ana|1244.56\nBruno|99.9\n")
    }

    func testAModelWhoseStageFailedIsSkippedAndKeepsItsTable() throws {
        let workspace = try workspace(sales: "cliente;valor;data\nAna;10,00;05/12/2026 10:00\n")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // A value the cast cannot read fails the stage (max_rejects 0): the model must not rebuild.
        try workspace.textFile("vendas.csv", "cliente;valor;data\nAna;dez;05/12/2026 10:00\n")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("summary entry=revenue status=skipped"), run.stderr)
        XCTAssertEqual(try query(workspace, "SELECT * FROM revenue"), "Ana|10.0\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT last_status FROM etl_control WHERE id = 'revenue'"), "skipped\n")
    }
}
