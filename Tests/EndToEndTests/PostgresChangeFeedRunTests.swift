import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `etl-runtime run` into PostgreSQL with what the sink gained beyond plain loads: a change feed
/// (`_op` I/U/D, growing over two runs) merged with `delete_when` and kept as scd2 history, and SQL
/// models built from the merged table — validated, run, and their lineage recorded.
final class PostgresChangeFeedRunTests: XCTestCase {
    func testAChangeFeedIntoMergeAndScd2ThenModelsOverTwoRuns() throws {
        let database = try PostgresTestDatabase()
        let workspace = RunWorkspace()
        func entry(_ id: String, write: String) -> String {
            """
            {"id": "\(id)", "source": "crm", "stream": "customers", "sink": "warehouse", "target": "\(id)",
             "mode": "incremental", "cursor_field": "$offset", "write": "\(write)", "primary_key": ["id"],
             "transforms": [{"drop": ["_op"]}], "delete_when": "_op = 'D'"}
            """
        }
        try workspace.textFile("changes.csv", "1,Oslo,I\n2,Rome,I\n3,Lima,I\n3,Lima,D\n4,Quito,I\n")
        try workspace.manifest(
            sources: """
                {"crm": {"plugin": "csv", "config": {"path": "changes.csv", "stream": "customers", "header": false,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "city", "type": "text"}, {"name": "_op", "type": "text"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "postgres", "config": {"url": "\#(database.url())"}}}"#,
            entries: """
                [\(entry("customers", write: "merge")), \(entry("customer_history", write: "scd2")),
                 {"id": "city_count", "sink": "warehouse", "target": "city_count", "materialize": "table", "depends_on": ["customers"],
                  "sql": "SELECT count(*) AS cities FROM customers"},
                 {"id": "current_cities", "sink": "warehouse", "target": "current_cities", "materialize": "view", "depends_on": ["customer_history"],
                  "sql": "SELECT id, city FROM customer_history WHERE _is_current"}]
                """)
        let validated = try workspace.run(["validate"])
        XCTAssertEqual(validated.status, 0, validated.stderr + validated.stdout)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let watcher = try PostgresTestConnection(database.keywords)
        XCTAssertEqual(try watcher.rows("SELECT id, city FROM customers ORDER BY id"), [["1", "Oslo"], ["2", "Rome"], ["4", "Quito"]])

        try workspace.textFile("changes.csv", "1,Bergen,U\n2,Rome,D\n4,Quito,U\n", append: true)
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try watcher.rows("SELECT id, city FROM customers ORDER BY id"), [["1", "Bergen"], ["4", "Quito"]])
        XCTAssertEqual(try watcher.rows("""
            SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customer_history ORDER BY id, _valid_from, _is_current
            """), [["1", "Oslo", "t", "f"], ["1", "Bergen", "f", "t"], ["2", "Rome", "t", "f"], ["3", "Lima", "t", "f"], ["4", "Quito", "f", "t"]])
        XCTAssertEqual(try watcher.rows("SELECT attname FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attnum > 0 ORDER BY attnum"),
                       [["id"], ["city"]], "neither _op nor the delete flag is stored")
        XCTAssertEqual(try watcher.rows("SELECT cities FROM city_count"), [["2"]])
        XCTAssertEqual(try watcher.rows("SELECT id, city FROM current_cities ORDER BY id"), [["1", "Bergen"], ["4", "Quito"]])
        let reads = try workspace.stateQuery("SELECT reads FROM etl_runs WHERE entry_id = 'city_count' ORDER BY rowid DESC LIMIT 1")
        XCTAssertEqual(reads.trimmingCharacters(in: .whitespacesAndNewlines), #"["customers"]"#)
    }
}
