import Foundation
import TestSupport
import XCTest

/// `delete_when` through the real binary: a change-tracking csv feed (`_op` I/U/D) growing over
/// two runs, loaded incrementally by merge (deleted keys disappear) and by scd2 (their current
/// version is closed), with validate and dry-run saying what they will do.
final class DeleteWhenRunTests: XCTestCase {
    private let source = """
        {"crm": {"plugin": "csv", "config": {"path": "changes.csv", "stream": "customers", "header": false,
         "columns": [{"name": "id", "type": "int64"}, {"name": "city", "type": "text"}, {"name": "_op", "type": "text"}]}}}
        """
    private let sink = #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#

    private func entry(_ id: String, write: String, extra: String = "") -> String {
        """
        {"id": "\(id)", "source": "crm", "stream": "customers", "sink": "warehouse", "target": "\(id)",
         "mode": "incremental", "cursor_field": "$offset", "write": "\(write)", "primary_key": ["id"],
         "delete_when": "_op = 'D'"\(extra)}
        """
    }

    private func query(_ workspace: RunWorkspace, _ sql: String) throws -> [String] {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .split(separator: "\n").map(String.init)
    }

    func testAChangeFeedDeletesMergedKeysAndClosesScd2VersionsOverTwoRuns() throws {
        let workspace = RunWorkspace()
        // Key 3 is inserted and deleted within the first run.
        try workspace.textFile("changes.csv", "1,Oslo,I\n2,Rome,I\n3,Lima,I\n3,Lima,D\n")
        try workspace.manifest(sources: source, sinks: sink,
                               entries: "[\(entry("customers", write: "merge")), \(entry("customer_history", write: "scd2"))]")
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try query(workspace, "SELECT id, city, _op FROM customers ORDER BY id"), ["1|Oslo|I", "2|Rome|I"])

        try workspace.textFile("changes.csv", "1,Bergen,U\n2,Rome,D\n4,Quito,I\n", append: true)
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try query(workspace, "SELECT id, city, _op FROM customers ORDER BY id"), ["1|Bergen|U", "4|Quito|I"])
        XCTAssertEqual(try query(workspace, "SELECT name FROM pragma_table_info('customers')"), ["id", "city", "_op"],
                       "the delete flag is never a column of the target")
        XCTAssertEqual(
            try query(workspace, "SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customer_history ORDER BY id, _valid_from, _is_current"),
            ["1|Oslo|1|0", "1|Bergen|0|1", "2|Rome|1|0", "3|Lima|1|0", "4|Quito|0|1"])
        // A delete adds no version: Rome's only version is closed, when the second run loaded.
        XCTAssertEqual(try query(workspace, "SELECT count(*) FROM customer_history WHERE id = 2"), ["1"])
    }

    func testDryRunNamesTheDeleteRule() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry("customers", write: "merge"))]")
        let dryRun = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("customers: incremental crm.customers → warehouse.customers (merge, deletes where _op = 'D') from watermark none (first run)"), dryRun.stdout)
        let refresh = try workspace.run(["run", "--dry-run", "--full-refresh"])
        XCTAssertTrue(refresh.stdout.contains("(replace, leaves out rows where _op = 'D')"), refresh.stdout)
    }

    func testAFullRefreshOfAMergeEntryLeavesTheDeletedRowsOut() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n2,Rome,I\n")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry("customers", write: "merge"))]")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.textFile("changes.csv", "1,Oslo,I\n2,Rome,D\n")
        let refresh = try workspace.run(["run", "--full-refresh"])
        XCTAssertEqual(refresh.status, 0, refresh.stderr)
        XCTAssertEqual(try query(workspace, "SELECT id, city FROM customers ORDER BY id"), ["1|Oslo"])
    }

    func testValidateRefusesADeleteWhenNamingAColumnTheTransformsDrop() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        try workspace.manifest(sources: source, sinks: sink,
                               entries: "[\(entry("customers", write: "merge", extra: #", "transforms": [{"drop": ["_op"]}]"#))]")
        for command in [["validate"], ["run", "--dry-run"], ["run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].delete_when: delete_when reads "_op", which $.control_table[0].transforms[0].drop removes"#),
                          "\(command): \(outcome.stderr)")
        }
        let loaded = FileManager.default.fileExists(atPath: workspace.folder.file("warehouse.db"))
            ? try query(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'customers'") : ["0"]
        XCTAssertEqual(loaded, ["0"], "run refused the entry before loading anything")
    }

    func testValidateTypeChecksTheRuleAgainstTheDeclaredColumns() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        let entry = entry("customers", write: "merge").replacingOccurrences(of: "_op = 'D'", with: "id = 'D'")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry)]")
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("$.control_table[0].delete_when: at character 4: cannot compare int64 with text"), outcome.stderr)
    }
}
