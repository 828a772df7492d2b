import Foundation
import TestSupport
import XCTest

/// `delete_when` through the real binary: a change-tracking csv feed (`_op` I/U/D) growing over
/// two runs, loaded incrementally by merge (deleted keys disappear) and by scd2 (their current
/// version is closed), the rule reading `_op` as the source sends it and a transform dropping
/// it, with validate and dry-run saying what they will do.
final class DeleteWhenRunTests: XCTestCase {
    private let source = """
        {"crm": {"plugin": "csv", "config": {"path": "changes.csv", "stream": "customers", "header": false,
         "columns": [{"name": "id", "type": "int64"}, {"name": "city", "type": "text"}, {"name": "_op", "type": "text"}]}}}
        """
    private let sink = #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#

    private func entry(_ id: String, write: String, rule: String = "_op = 'D'") -> String {
        """
        {"id": "\(id)", "source": "crm", "stream": "customers", "sink": "warehouse", "target": "\(id)",
         "mode": "incremental", "cursor_field": "$offset", "write": "\(write)", "primary_key": ["id"],
         "transforms": [{"drop": ["_op"]}],
         "delete_when": "\(rule)"}
        """
    }

    private func query(_ workspace: RunWorkspace, _ sql: String) throws -> [String] {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .split(separator: "\n").map(String.init)
    }

    func testAChangeFeedDeletesMergedKeysAndClosesScd2VersionsOverTwoRuns() throws {
        let workspace = RunWorkspace()
        // Key 3 is inserted and deleted within the first run.
        try workspace.textFile("changes.csv", "1,Oslo,I\n2,Rome,I\n3,Lima,I\n3,Lima,D\n4,Quito,I\n")
        try workspace.manifest(sources: source, sinks: sink,
                               entries: "[\(entry("customers", write: "merge")), \(entry("customer_history", write: "scd2"))]")
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try query(workspace, "SELECT id, city FROM customers ORDER BY id"), ["1|Oslo", "2|Rome", "4|Quito"])

        // Key 4 comes again as an update with the same values.
        try workspace.textFile("changes.csv", "1,Bergen,U\n2,Rome,D\n4,Quito,U\n", append: true)
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try query(workspace, "SELECT id, city FROM customers ORDER BY id"), ["1|Bergen", "4|Quito"])
        XCTAssertEqual(try query(workspace, "SELECT name FROM pragma_table_info('customers')"), ["id", "city"],
                       "neither _op (dropped after delete_when read it) nor the delete flag is a column of the target")
        XCTAssertEqual(
            try query(workspace, "SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customer_history ORDER BY id, _valid_from, _is_current"),
            ["1|Oslo|1|0", "1|Bergen|0|1", "2|Rome|1|0", "3|Lima|1|0", "4|Quito|0|1"])
        XCTAssertFalse(try query(workspace, "SELECT name FROM pragma_table_info('customer_history')").contains("_op"))
        // A delete adds no version: Rome's only version is closed, when the second run loaded.
        XCTAssertEqual(try query(workspace, "SELECT count(*) FROM customer_history WHERE id = 2"), ["1"])
        // An insert then an update of equal values is one version: _op, which alone changed, is not stored.
        XCTAssertEqual(try query(workspace, "SELECT count(*) FROM customer_history WHERE id = 4"), ["1"])
    }

    func testDryRunNamesTheDeleteRule() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry("customers", write: "merge"))]")
        let dryRun = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("customers: incremental crm.customers → warehouse.customers (merge, deletes where _op = 'D' on the source's columns) from watermark none (first run)"), dryRun.stdout)
        let refresh = try workspace.run(["run", "--dry-run", "--full-refresh"])
        XCTAssertTrue(refresh.stdout.contains("(replace, leaves out rows where _op = 'D' on the source's columns)"), refresh.stdout)
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

    func testADeleteWhenNamingAColumnTheSourceLacksIsRefusedWithItsPathAndPosition() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry("customers", write: "merge", rule: "op = 'D'"))]")
        for command in [["validate"], ["run", "--dry-run"], ["run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].delete_when: at character 1: unknown column "op" (did you mean "_op"?) (delete_when reads the columns as the source sends them, before the transforms)"#),
                          "\(command): \(outcome.stderr)")
        }
        let loaded = FileManager.default.fileExists(atPath: workspace.folder.file("warehouse.db"))
            ? try query(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'customers'") : ["0"]
        XCTAssertEqual(loaded, ["0"], "run refused the entry before loading anything")
    }

    func testValidateTypeChecksTheRuleAgainstTheDeclaredColumns() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "1,Oslo,I\n")
        let entry = entry("customers", write: "merge", rule: "id = 'D'")
        try workspace.manifest(sources: source, sinks: sink, entries: "[\(entry)]")
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("$.control_table[0].delete_when: at character 4: cannot compare int64 with text"), outcome.stderr)
    }

    func testValidateChecksTheRuleAgainstADiscoveredCSVHeader() throws {
        let workspace = RunWorkspace()
        try workspace.textFile("changes.csv", "id,city,_op\n1,Oslo,I\n")
        try workspace.manifest(
            sources: #"{"crm": {"plugin": "csv", "config": {"path": "changes.csv", "stream": "customers"}}}"#, sinks: sink,
            entries: "[\(entry("customers", write: "merge", rule: "op = 'D'"))]")
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].delete_when: at character 1: unknown column "op" (did you mean "_op"?)"#),
                          "\(command): \(outcome.stderr)")
        }
    }

    func testARuleWithoutTransformsThatValidateCannotCheckGetsTheNoteAtItsPath() throws {
        // The entry starts on line 2 of the file, its delete_when is on line 3.
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"api": {"plugin": "http", "config": {"base_url": "http://127.0.0.1:9", "streams": {"items": {"path": "/items"}}}}}"#,
            sinks: sink,
            entries: """
                [{"id": "items", "source": "api", "stream": "items", "sink": "warehouse", "target": "items", "mode": "full",
                  "write": "merge", "primary_key": ["id"], "delete_when": "_op = 'D'"}]
                """)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"plugins.json:3: $.control_table[0].delete_when: note: type-checked when run opens the stream, not now: "#),
                      outcome.stderr)
    }
}
