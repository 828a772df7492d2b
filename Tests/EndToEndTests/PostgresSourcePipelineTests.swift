import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `etl-runtime run` from the throwaway PostgreSQL server into SQLite through the `postgres`
/// source: a full table and an incremental merge on a timestamp cursor that moves on.
final class PostgresSourcePipelineTests: XCTestCase {
    func testAPostgresTableLoadsIntoSQLiteInFullAndIncrementally() throws {
        let database = try PostgresTestDatabase()
        try database.connection.execute("""
            CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), status text, updated timestamptz);
            INSERT INTO orders SELECT g, g * 1.25, 'open', '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 5000) g
            """)
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"shop": {"plugin": "postgres", "config": {"url": "${PG_URL}", "table": "orders"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "orders_full", "source": "shop", "stream": "orders", "sink": "warehouse", "target": "orders_full", "mode": "full"},
                 {"id": "orders", "source": "shop", "stream": "orders", "sink": "warehouse", "target": "orders", "mode": "incremental",
                  "write": "merge", "primary_key": ["id"], "cursor_field": "updated", "batch_size": 1000}]
                """)
        let environment = ["PG_URL": database.url()]
        let first = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let warehouse = workspace.folder.file("warehouse.db")
        func sqlite(_ sql: String) throws -> String {
            try ProcessRunner.run("/usr/bin/sqlite3", [warehouse, sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(try sqlite("SELECT count(*), printf('%.2f', sum(total)) FROM orders_full"), "5000|15628125.00")
        XCTAssertEqual(try sqlite("SELECT count(*) FROM orders"), "5000")
        try database.connection.execute("UPDATE orders SET status = 'shipped', updated = '2025-01-01' WHERE id = 7; INSERT INTO orders VALUES (5001, 1.00, 'open', '2025-01-02')")
        let second = try workspace.run(["run", "--entry", "orders"], environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("read=2 "), second.stderr)
        XCTAssertEqual(try sqlite("SELECT count(*), (SELECT status FROM orders WHERE id = 7) FROM orders"), "5001|shipped")
    }

    func testValidateAcceptsAPostgresSourceWithoutReachingTheServer() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"shop": {"plugin": "postgres", "config": {"url": "${PG_URL}", "table": "orders"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "orders", "source": "shop", "stream": "orders", "sink": "warehouse", "target": "orders", "mode": "incremental",
                  "write": "merge", "primary_key": ["id"], "cursor_field": "updated", "null_cursor": "load", "lookback": "PT10M"}]
                """)
        let validate = try workspace.run(["validate"], environment: ["PG_URL": "postgresql://nobody@127.0.0.1:1/none"])
        XCTAssertEqual(validate.status, 0, validate.stderr + validate.stdout)
    }

    func testValidateRefusesTableWithQuery() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"shop": {"plugin": "postgres", "config": {"url": "postgresql://x@127.0.0.1:1/none", "table": "orders", "query": "SELECT 1"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "orders", "source": "shop", "stream": "orders", "sink": "warehouse", "target": "orders", "mode": "full"}]"#)
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr + validate.stdout)
        XCTAssertTrue((validate.stderr + validate.stdout).contains("both \"table\" and \"query\""), validate.stderr + validate.stdout)
    }
}
