import Foundation
import TestSupport
import XCTest

/// `valid_from_column` and `close_missing` reach the sqlite sink from the manifest through the
/// real binary: a full snapshot dated by its records, run twice.
final class SCD2OptionsRunTests: XCTestCase {
    func testASnapshotDatesVersionsByTheRecordAndClosesTheKeysItLacks() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("customers.csv", "1,Oslo,2024-01-01\n2,Rome,2024-01-01\n")
        try workspace.manifest(
            sources: """
                {"crm": {"plugin": "csv", "config": {"path": "customers.csv", "stream": "customers", "header": false,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "city", "type": "text"}, {"name": "changed_on", "type": "text"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "dim_customer", "source": "crm", "stream": "customers", "sink": "warehouse", "target": "dim_customer",
                  "mode": "full", "write": "scd2", "primary_key": ["id"], "valid_from_column": "changed_on", "close_missing": true}]
                """)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.textFile("customers.csv", "1,Bergen,2024-02-01\n")
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let rows = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"),
            "SELECT id, city, _valid_from, coalesce(_valid_to, '-'), _is_current FROM dim_customer ORDER BY id, _valid_from"]).stdout
        let lines = rows.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, rows)
        XCTAssertEqual(lines[0], "1|Oslo|2024-01-01|2024-02-01|0")
        XCTAssertEqual(lines[1], "1|Bergen|2024-02-01|-|1")
        XCTAssertTrue(lines[2].hasPrefix("2|Rome|2024-01-01|") && lines[2].hasSuffix("|0"), rows)
    }
}
