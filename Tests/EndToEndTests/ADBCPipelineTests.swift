import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `etl-runtime` with the adbc sink: the census CSV loaded through the real SQLite ADBC driver,
/// found by its short name on LD_LIBRARY_PATH as a user would install it.
final class ADBCPipelineTests: XCTestCase {
    private func driverFolder() throws -> String {
        try ProjectPython.packageFolder("adbc_driver_sqlite")
    }

    private func censusPipeline(_ workspace: RunWorkspace, write: String = "replace", entryKeys: String = "",
                                sinkKeys: String = "") throws {
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("adult.data"))
        let columns = try String(contentsOfFile: TestPaths.source("examples/data/adult.names.json"), encoding: .utf8)
        try workspace.manifest(
            sources: """
                {"census": {"plugin": "csv", "config": {"path": "adult.data", "header": false,
                 "columns": \(columns), "null_values": ["?"], "trim": true}}}
                """,
            sinks: """
                {"warehouse": {"plugin": "adbc", "config": {"driver": "adbc_driver_sqlite",
                 "options": {"uri": "file:\(workspace.folder.file("warehouse.db"))"}\(sinkKeys)}}}
                """,
            entries: """
                [{"id": "adult", "source": "census", "stream": "adult", "sink": "warehouse", "target": "adult",
                  "mode": "full", "write": "\(write)"\(entryKeys)}]
                """)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
    }

    func testTheCensusCSVLoadsThroughTheSQLiteDriverAndAReplaceRerunKeepsOneCopy() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace)
        let environment = ["LD_LIBRARY_PATH": try driverFolder()]
        for _ in 0..<2 {
            let outcome = try workspace.run(["run", "--manifest", workspace.folder.file("plugins.json")], environment: environment)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("status=ok read=4000 written=4000"), outcome.stderr)
        }
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT rowid) FROM adult"), "4000|4000\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM adult WHERE workclass IS NULL"), "229\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT entry_id, target, rows FROM _etl_state"), "adult|adult|4000\n")
    }

    /// Three entries loading one SQLite file at once (`--jobs 3`), with the busy_timeout the
    /// README advises set through connection_sql: every load waits its turn, none fails.
    func testParallelEntriesIntoOneSQLiteFileEachLoadExactlyOnce() throws {
        let workspace = RunWorkspace()
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("adult.data"))
        let columns = try String(contentsOfFile: TestPaths.source("examples/data/adult.names.json"), encoding: .utf8)
        let entries = ["a1": "replace", "a2": "replace", "a3": "append"].sorted { $0.key < $1.key }.map { id, write in
            #"{"id": "\#(id)", "source": "census", "stream": "adult", "sink": "warehouse", "target": "\#(id)", "mode": "full", "write": "\#(write)", "batch_size": 100}"#
        }
        try workspace.manifest(
            sources: #"{"census": {"plugin": "csv", "config": {"path": "adult.data", "header": false, "columns": \#(columns), "null_values": ["?"], "trim": true}}}"#,
            sinks: """
                {"warehouse": {"plugin": "adbc", "config": {"driver": "adbc_driver_sqlite",
                 "options": {"uri": "file:\(workspace.folder.file("warehouse.db"))"}, "connection_sql": ["PRAGMA busy_timeout = 10000"]}}}
                """,
            entries: "[" + entries.joined(separator: ", ") + "]")
        for _ in 0..<3 {
            let outcome = try workspace.run(["run", "--jobs", "3"], environment: ["LD_LIBRARY_PATH": try driverFolder()])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
        }
        XCTAssertEqual(try warehouse(workspace, "SELECT (SELECT count(*) FROM a1), (SELECT count(*) FROM a2), (SELECT count(*) FROM a3)"),
                       "4000|4000|12000\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT entry_id, rows FROM _etl_state ORDER BY entry_id"), "a1|4000\na2|4000\na3|4000\n")
    }

    func testValidateRefusesAMergeEntryBeforeAnythingRuns() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace, write: "merge", entryKeys: ", \"primary_key\": [\"age\"]")
        let outcome = try workspace.run(["validate"], environment: ["LD_LIBRARY_PATH": try driverFolder()])
        XCTAssertNotEqual(outcome.status, 0)
        let output = outcome.stdout + outcome.stderr
        XCTAssertTrue(output.contains("sink \"warehouse\" (plugin \"adbc\") does not support write \"merge\"; it supports \"replace\" or \"append\""), output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("warehouse.db")), output)
    }

    func testValidateRefusesReplacePartitionsThroughLoadsWithoutTransactions() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace, write: "append", entryKeys: #", "options": {"replace_partitions": ["sex"]}"#,
                           sinkKeys: #", "transactions": "off""#)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command, environment: ["LD_LIBRARY_PATH": try driverFolder()])
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0]: sink "warehouse" (plugin "adbc") refuses this entry: options.replace_partitions needs transactions"#),
                          "\(command): \(outcome.stderr)")
        }
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'adult'"), "0\n", "nothing was loaded")
    }

    func testValidateRefusesReplacePartitionsWithoutTransactionsAlsoWhenTheColumnsAreNotKnownYet() throws {
        // A remote file's header is not fetched by validate: the sink is asked without columns.
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"files": {"plugin": "csv", "config": {"path": "https://127.0.0.1:9/sales.csv", "stream": "sales"}}}"#,
            sinks: """
                {"warehouse": {"plugin": "adbc", "config": {"driver": "adbc_driver_sqlite",
                 "options": {"uri": "file:\(workspace.folder.file("warehouse.db"))"}, "transactions": "off"}}}
                """,
            entries: """
                [{"id": "sales", "source": "files", "stream": "sales", "sink": "warehouse", "target": "sales",
                  "mode": "full", "write": "append", "options": {"replace_partitions": ["dt"]}}]
                """)
        let outcome = try workspace.run(["validate"], environment: ["LD_LIBRARY_PATH": try driverFolder()])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0]: sink "warehouse" (plugin "adbc") refuses this entry: options.replace_partitions needs transactions"#),
                      outcome.stderr)
    }

    /// Incremental appends through the PostgreSQL driver, the worker SIGKILLed mid-COPY again and
    /// again: rows and state commit together, so the final run ends with every row exactly once.
    func testAnIncrementalAppendWhoseWorkerIsKilledDuringIngestEndsWithEveryRowOnce() throws {
        let database = try PostgresTestDatabase()
        let totalRows = 300_000
        let workspace = RunWorkspace()
        let driver = try ProjectPython.packageFolder("adbc_driver_postgresql") + "/libadbc_driver_postgresql.so"
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(totalRows), "seed": 5}}}"#,
            sinks: #"{"warehouse": {"plugin": "adbc", "config": {"driver_path": "\#(driver)", "options": {"uri": "\#(database.url())"}}}}"#,
            entries: """
                [{"id": "gen_stage", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 20000}]
                """)
        let watcher = try PostgresTestConnection(database.keywords)
        func committedRows() -> Int { Int((try? watcher.scalar("SELECT count(*) FROM gen")) ?? "") ?? 0 }
        func copyRunning() -> Bool {
            (try? watcher.scalar("SELECT count(*) FROM pg_stat_progress_copy WHERE datname = current_database()")) == "1"
        }
        var killed = 0
        for _ in 0..<8 where killed < 3 {
            let before = committedRows()
            guard before < totalRows else { break }
            let run = try workspace.startRun(["run"])
            var worker: pid_t?
            // Polled: the kill lands after a batch of this run committed, while the next one is copied.
            try waitUntil("a COPY in progress after a commit", timeout: 60, interval: 0.001) {
                guard run.process.isRunning else { return true }
                guard committedRows() > before, copyRunning() else { return false }
                worker = WorkerProcesses.of(parent: run.process.processIdentifier).first
                return worker != nil
            }
            if let worker, copyRunning() {
                kill(worker, SIGKILL)
                killed += 1
            }
            run.process.waitUntilExit()
        }
        XCTAssertGreaterThanOrEqual(killed, 2, "too few kills landed during a COPY to prove anything")
        let final = try workspace.run(["run"])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertEqual(try watcher.rows("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM gen"),
                       [[String(totalRows), String(totalRows), "0", String(totalRows - 1)]])
        XCTAssertEqual(try watcher.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'gen_stage'"), "{\"next\": \(totalRows)}")
    }

    /// A wrong password read through options_env: the run fails saying why, and the password is
    /// in no output and no file the run left (logs, state database).
    func testAPasswordFromTheEnvironmentIsInNoOutputAndNoFile() throws {
        let database = try PostgresTestDatabase()
        let server = database.server
        let secret = "Wr0ng-" + UUID().uuidString
        let workspace = RunWorkspace()
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("adult.data"))
        let columns = try String(contentsOfFile: TestPaths.source("examples/data/adult.names.json"), encoding: .utf8)
        let driver = try ProjectPython.packageFolder("adbc_driver_postgresql") + "/libadbc_driver_postgresql.so"
        try workspace.manifest(
            sources: """
                {"census": {"plugin": "csv", "config": {"path": "adult.data", "header": false, "columns": \(columns)}}}
                """,
            sinks: #"{"warehouse": {"plugin": "adbc", "config": {"driver_path": "\#(driver)", "options_env": {"uri": "WAREHOUSE_URI"}}}}"#,
            entries: #"[{"id": "adult", "source": "census", "stream": "adult", "sink": "warehouse", "target": "adult", "mode": "full"}]"#)
        let uri = "postgresql://\(server.passwordUser):\(secret)@127.0.0.1:\(server.port)/\(database.name)"
        var outputs = ""
        for command in ["validate", "run"] {
            let outcome = try workspace.run([command], environment: ["WAREHOUSE_URI": uri])
            outputs += outcome.stdout + outcome.stderr
            // validate connects, so it refuses the login just as run does (exit 78: fix the config).
            XCTAssertEqual(outcome.status, 78, "\(command): \(outputs)")
        }
        XCTAssertTrue(outputs.contains("password authentication failed"), outputs)
        XCTAssertFalse(outputs.contains(secret), outputs)
        let enumerator = FileManager.default.enumerator(atPath: workspace.path)
        while let relative = enumerator?.nextObject() as? String {
            guard let contents = FileManager.default.contents(atPath: workspace.path + "/" + relative) else { continue }
            XCTAssertNil(contents.range(of: Data(secret.utf8)), "the password is in \(relative)")
        }
    }
}
