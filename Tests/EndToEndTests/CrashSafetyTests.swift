import Foundation
import TestSupport
import XCTest

/// Exactly-once incremental loads into a transactional sink, proven with real SIGKILLs.
final class CrashSafetyTests: XCTestCase {
    private let totalRows = 400_000

    private func generatorPipeline(_ workspace: RunWorkspace) throws {
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(totalRows), "seed": 5, "null_every": 9}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "gen_stage", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 5000}]
                """)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Rows committed so far (0 before the table exists).
    private func loadedRows(_ workspace: RunWorkspace) -> Int {
        Int((try? warehouse(workspace, "SELECT count(*) FROM gen")) ?? "") ?? 0
    }

    /// True once no worker process started by `parent` runs any more (they die with their run;
    /// the kernel needs a moment to deliver that); false after 5 s.
    private func workersEnded(parent: Int32) -> Bool {
        (try? waitUntil("the workers of \(parent) to end", timeout: 5, interval: 0.02) {
            WorkerProcesses.of(parent: parent).isEmpty
        }) != nil
    }

    func testIncrementalLoadKilledAtSeveralPointsEndsWithEveryRowExactlyOnce() throws {
        let workspace = RunWorkspace()
        try generatorPipeline(workspace)
        var killedMidway = 0
        var killsLanded = 0
        // Each run is killed once the table holds a given number of rows (polled, so the kill
        // lands mid-load however fast the machine is), at a moment unrelated to batch edges.
        for (index, threshold) in [60_000, 130_000, 200_000, 270_000, 340_000].enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
            process.arguments = ["run"]
            process.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
            process.standardError = FileHandle.nullDevice
            try process.run()
            try waitUntil("\(threshold) committed rows") { !process.isRunning || loadedRows(workspace) >= threshold }
            usleep(useconds_t(index * 3_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTAssertTrue(workersEnded(parent: process.processIdentifier), "a worker outlived its killed run")
            guard process.terminationReason == .uncaughtSignal else { continue }
            killsLanded += 1
            if loadedRows(workspace) < totalRows { killedMidway += 1 }
        }
        let final = try workspace.run(["run"])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertGreaterThanOrEqual(killedMidway, 2, "too few kills landed mid-load to prove anything")
        XCTAssertEqual(
            try warehouse(workspace, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM gen"),
            "\(totalRows)|\(totalRows)|0|\(totalRows - 1)")
        XCTAssertEqual(try workspace.run(["state", "show", "gen_stage"]).stdout, "{\"next\": \(totalRows)}\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT state_json FROM _etl_state WHERE entry_id = 'gen_stage'"), "{\"next\": \(totalRows)}")
        // A kill that landed before the run was recorded leaves no row; the others are marked.
        let killed = Int(try workspace.stateQuery("SELECT count(*) FROM etl_runs WHERE status = 'killed'")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertTrue((1...killsLanded).contains(killed), "\(killed) runs marked killed, \(killsLanded) kills landed")
    }

    func testARunKilledBetweenTheSinksCommitAndTheControlTableIsReconciled() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": 50, "seed": 5}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "gen_stage", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 10,
                  "max_records_per_run": 30}]
                """)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // As if the process died after the sink committed rows 20..29 but before the
        // control table heard of it: the control table still says 20.
        _ = try workspace.stateQuery("UPDATE etl_control SET watermark = '{\"next\": 20}'")
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("reconciled the control table with the sink's committed state"), outcome.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id) FROM gen"), "50|50")
        XCTAssertEqual(try workspace.run(["state", "show", "gen_stage"]).stdout, "{\"next\": 50}\n")
    }
}
