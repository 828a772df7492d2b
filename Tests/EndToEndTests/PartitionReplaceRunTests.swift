import Foundation
import TestSupport
import XCTest

/// An entry's `"options": {"replace_partitions": [...]}` as a user writes it: `validate` checks
/// it against the sink's entry options schema (JSON paths in the messages), `run` refuses it with
/// a write mode other than append, and a rerun of a changed file replaces exactly the
/// partitions the file holds.
final class PartitionReplaceRunTests: XCTestCase {
    private func pipeline(write: String = "append", options: String = #"{"replace_partitions": ["dt"]}"#) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.textFile("sales.csv", "dt,id,amount\nd1,1,1.5\nd1,2,3.0\nd2,1,2.0\n")
        try workspace.manifest(
            sources: """
                {"files": {"plugin": "csv", "config": {"path": "sales.csv", "stream": "sales", "header": true,
                  "columns": [{"name": "dt", "type": "text"}, {"name": "id", "type": "int64"}, {"name": "amount", "type": "double"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "sales", "source": "files", "stream": "sales", "sink": "warehouse", "target": "sales",
                  "mode": "full", "write": "\(write)", "options": \(options)}]
                """)
        return workspace
    }

    private func sales(_ workspace: RunWorkspace) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT dt, id, amount FROM sales ORDER BY dt, id"]).stdout
    }

    func testARerunReplacesThePartitionsTheFileHoldsAndKeepsTheOthers() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.textFile("sales.csv", "dt,id,amount\nd1,2,6.0\nd3,1,9.0\n")
        let rerun = try workspace.run(["run"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try sales(workspace), "d1|2|6.0\nd2|1|2.0\nd3|1|9.0\n")
    }

    func testValidateRefusesAMistypedOptionNamingItsJSONPath() throws {
        let workspace = try pipeline(options: #"{"replace_partitions": "dt", "partitions": ["dt"]}"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].options.replace_partitions: expected an array, got "dt" (entry options of sink "warehouse" (plugin "sqlite"))"#), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].options.partitions: unknown key"#), outcome.stderr)
    }

    func testAWriteModeOtherThanAppendIsRefusedByTheRunWithoutTouchingTheTarget() throws {
        let workspace = try pipeline(write: "replace")
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 78, "a configuration mistake: \(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("options.replace_partitions applies to write mode append only"), outcome.stderr)
        let tables = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM sqlite_master WHERE name = 'sales'"])
        XCTAssertEqual(tables.stdout, "0\n")
    }
}
