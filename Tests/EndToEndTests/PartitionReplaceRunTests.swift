import Foundation
import TestSupport
import XCTest

/// An entry's `"options": {"replace_partitions": [...]}` as a user writes it: `validate` checks
/// it against the sink's entry options schema (JSON paths in the messages) and refuses it with
/// a write mode other than append, and a rerun of a changed file replaces exactly the
/// partitions the file holds.
final class PartitionReplaceRunTests: XCTestCase {
    /// `entryKeys`: members the entry gets instead of its `options`.
    private func pipeline(write: String = "append", options: String = #"{"replace_partitions": ["dt"]}"#,
                          entryKeys: String? = nil) throws -> RunWorkspace {
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
                  "mode": "full", "write": "\(write)", \(entryKeys ?? "\"options\": \(options)")}]
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

    func testAWriteModeOtherThanAppendIsRefusedByValidateAndByTheRunWithoutTouchingTheTarget() throws {
        let workspace = try pipeline(write: "replace")
        let expected = #"$.control_table[0].options.replace_partitions: applies to write "append" only, and this entry's write is "replace"; set "write": "append" or remove options.replace_partitions (entry options of sink "warehouse" (plugin "sqlite"))"#
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue(validate.stderr.contains(expected), validate.stderr)
        let dryRun = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(dryRun.status, 78, dryRun.stderr)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 78, "a configuration mistake: \(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains(expected), outcome.stderr)
        let database = workspace.folder.file("warehouse.db")
        if FileManager.default.fileExists(atPath: database) {
            XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [database, "SELECT count(*) FROM sqlite_master WHERE name = 'sales'"]).stdout, "0\n")
        }
    }

    func testAPartitionColumnTheLoadLacksIsRefusedByValidateAndDryRunBeforeAnyRun() throws {
        let workspace = try pipeline(options: #"{"replace_partitions": ["day"]}"#)
        let expected = #"$.control_table[0]: sink "warehouse" (plugin "sqlite") refuses this entry: options.replace_partitions column "day" is not among the columns of the load into "sales" ("dt", "id", "amount")"#
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(expected), "\(command): \(outcome.stderr)")
        }
        // (Creating the sink, as every run does first, may create the empty database file.)
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM sqlite_master"]).stdout,
                       "0\n", "no run touched the warehouse")
    }

    func testAPrimaryKeyColumnTheLoadLacksIsRefusedByValidate() throws {
        let workspace = try pipeline(write: "merge", entryKeys: #""primary_key": ["sale_id"]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0]: sink "warehouse" (plugin "sqlite") refuses this entry:"#), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("sale_id"), outcome.stderr)
    }

    /// A worker SIGKILLed while its rows are staged (SQLite has spilled the TEMP staging table to
    /// a file) leaves the partitions as the previous load left them; the next run replaces them
    /// all, so no row is there twice.
    func testAWorkerKilledDuringTheReloadLeavesTheOldPartitionsAndTheRerunReplacesThem() throws {
        let workspace = RunWorkspace()
        func pipeline(rows: Int, seed: Int) throws {
            try workspace.manifest(
                sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(rows), "seed": \#(seed), "null_every": 9}}}"#,
                sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
                entries: """
                    [{"id": "gen", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                      "mode": "full", "write": "append", "batch_size": 5000, "options": {"replace_partitions": ["flag"]}}]
                    """)
        }
        func summary() throws -> String {
            try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"),
                                                       "SELECT flag, count(*), sum(id) FROM gen GROUP BY flag ORDER BY flag"]).stdout
        }
        try pipeline(rows: 200_000, seed: 5)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let before = try summary()
        XCTAssertEqual(before.split(separator: "\n").count, 3, "NULL, false and true partitions: \(before)")

        try pipeline(rows: 300_000, seed: 6)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        run.arguments = ["run"]
        run.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        run.standardError = FileHandle.nullDevice
        try run.run()
        var killed = false
        try waitUntil("a worker staging rows in a SQLite temporary file", timeout: 60, interval: 0.005) {
            guard run.isRunning else { return true }
            for worker in WorkerProcesses.of(parent: run.processIdentifier) {
                let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/fd")) ?? []
                let staging = descriptors.contains { descriptor in
                    ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/fd/\(descriptor)")) ?? "").contains("etilqs_")
                }
                if staging {
                    kill(worker, SIGKILL)
                    killed = true
                    return true
                }
            }
            return false
        }
        run.waitUntilExit()
        XCTAssertTrue(killed, "the load ended before its staging spilled to a file; nothing was proven")
        XCTAssertEqual(try summary(), before, "the killed reload left the old partitions")

        let rerun = try workspace.run(["run"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"),
                                                                 "SELECT count(*), count(DISTINCT id) FROM gen"]).stdout, "300000|300000\n")
    }
}
