import Foundation
import TestSupport
import XCTest

/// SQL model entries run by the real binary after a stage entry in the same manifest: a fact
/// table (materialize table), a view, and an incremental log whose watermark is committed with
/// its rows — stage → fact layers as entries of one manifest.
final class SQLModelPipelineTests: XCTestCase {
    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
    }

    private func pipeline(_ workspace: RunWorkspace, modelSQL: String = "SELECT customer, sum(amount) AS revenue FROM stage_orders GROUP BY customer") throws {
        try workspace.textFile("revenue.sql", modelSQL)
        try workspace.manifest(
            sources: """
                {"orders": {"plugin": "csv", "config": {"path": "orders.csv", "stream": "orders", "header": false,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "customer", "type": "text"},
                             {"name": "amount", "type": "double"}, {"name": "updated", "type": "text"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "stage_orders", "source": "orders", "stream": "orders", "sink": "warehouse", "target": "stage_orders", "mode": "full"},
                 {"id": "fact_revenue", "sink": "warehouse", "target": "fact_revenue", "sql_file": "revenue.sql"},
                 {"id": "big_orders", "sink": "warehouse", "target": "big_orders", "materialize": "view",
                  "sql": "SELECT id, amount FROM stage_orders WHERE amount >= 10"},
                 {"id": "orders_log", "sink": "warehouse", "target": "orders_log", "materialize": "incremental",
                  "primary_key": ["id"], "cursor_field": "updated", "initial_value": "2000-01-01",
                  "sql": "SELECT id, amount, updated FROM stage_orders WHERE updated > {{watermark}}"}]
                """)
    }

    func testModelEntriesBuildTheirTablesFromTheStageTableInOneRun() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("orders.csv", "1,ana,10,2024-01-01\n2,bo,5,2024-01-02\n3,ana,7,2024-01-03\n")
        try pipeline(workspace)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT customer, revenue FROM fact_revenue ORDER BY customer"), "ana|17.0\nbo|5.0\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT id FROM big_orders"), "1\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM orders_log"), "3\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT watermark FROM etl_control WHERE id = 'orders_log'"),
                       #"{"cursor_field":"updated","watermark":"2024-01-03"}"# + "\n")

        try workspace.textFile("orders.csv", "1,ana,10,2024-01-01\n2,bo,50,2024-01-05\n3,ana,7,2024-01-03\n4,cy,1,2024-01-06\n")
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("orders_log") && second.stderr.contains("written=2"), second.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT id, amount FROM orders_log ORDER BY id"), "1|10.0\n2|50.0\n3|7.0\n4|1.0\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT id FROM big_orders ORDER BY id"), "1\n2\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT customer, revenue FROM fact_revenue ORDER BY customer"), "ana|17.0\nbo|50.0\ncy|1.0\n")
    }

    func testAFailingModelFailsItsEntryAndKeepsItsPreviousTable() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("orders.csv", "1,ana,10,2024-01-01\n")
        try pipeline(workspace)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try pipeline(workspace, modelSQL: "SELECT customer, sum(amount) AS revenue FROM stage_orders GROUP BY nope")
        let outcome = try workspace.run(["run"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("no such column: nope"), outcome.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT customer, revenue FROM fact_revenue"), "ana|10.0\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT last_status FROM etl_control WHERE id = 'fact_revenue'"), "failed\n")
    }

    func testValidateRefusesAModelEntryWithASourceKey() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("orders.csv", "1,ana,10,2024-01-01\n")
        try workspace.manifest(
            sources: #"{"orders": {"plugin": "csv", "config": {"path": "orders.csv", "stream": "orders"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "m", "sink": "warehouse", "target": "m", "sql": "SELECT 1 AS one", "mode": "full"}]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr + outcome.stdout)
        XCTAssertTrue((outcome.stderr + outcome.stdout).contains(#"$.control_table[0].mode: a SQL model entry"#), outcome.stderr + outcome.stdout)
    }
}
