import Foundation
import TestSupport
import XCTest

/// Every entry run that started has its `etl_runs` row, whatever happens to its worker, and
/// the row and the control table say what it really committed.
final class RunRecordTests: XCTestCase {
    private let totalRows = 400_000

    private func generatorPipeline(_ workspace: RunWorkspace) throws {
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(totalRows), "seed": 5}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "gen_stage", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 5000}]
                """)
    }

    private func loadedRows(_ workspace: RunWorkspace) -> Int {
        let outcome = try? ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM gen"])
        return Int(outcome?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// The first worker of `run`, as soon as /proc shows it.
    private func firstWorker(of run: Process) throws -> pid_t {
        var worker: pid_t?
        try waitUntil("a worker of run \(run.processIdentifier)", interval: 0.0005) {
            worker = WorkerProcesses.of(parent: run.processIdentifier).first
            return worker != nil || !run.isRunning
        }
        guard let worker else { throw WaitTimedOut(description: "the run ended before a worker appeared") }
        return worker
    }

    func testAWorkerKilledTheMomentItStartsStillLeavesItsRunRowAndTheControlTableNamesThatRun() throws {
        let workspace = RunWorkspace()
        try generatorPipeline(workspace)
        XCTAssertEqual(try workspace.run(["run", "--entry", "gen_stage"]).status, 0)
        let (run, stderr) = try workspace.startRun(["run"])
        let worker = try firstWorker(of: run)
        kill(worker, SIGKILL)
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(run.terminationStatus, 1, log)
        let rows = try workspace.stateQuery("SELECT run_id, status FROM etl_runs ORDER BY started_at").split(separator: "\n")
        XCTAssertEqual(rows.count, 2, "the killed run has no etl_runs row: \(rows)")
        let killedRun = String(rows.last?.split(separator: "|").first ?? "")
        XCTAssertEqual(rows.last.map(String.init), "\(killedRun)|failed")
        XCTAssertEqual(
            try workspace.stateQuery("SELECT last_run_id, last_status FROM etl_control"), "\(killedRun)|failed\n",
            "the control table must name the run that failed, not the previous one")
    }

    func testAWorkerKilledMidLoadShowsTheRowsAndWatermarkItCommitted() throws {
        let workspace = RunWorkspace()
        try generatorPipeline(workspace)
        let (run, stderr) = try workspace.startRun(["run"])
        let worker = try firstWorker(of: run)
        try waitUntil("60,000 committed rows") { !run.isRunning || loadedRows(workspace) >= 60_000 }
        kill(worker, SIGKILL)
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let committed = loadedRows(workspace)
        XCTAssertGreaterThanOrEqual(committed, 60_000)
        XCTAssertLessThan(committed, totalRows, "the load ended before the kill; nothing was proven")
        let row = try workspace.stateQuery("SELECT status, rows_written, watermark_after FROM etl_runs")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        XCTAssertEqual(row.first, "failed", log)
        // The control table is updated right after the sink commits: at most the batch in that
        // gap is missing from the run's count, never more.
        let written = Int(row[1]) ?? -1
        XCTAssertTrue((committed - 5000)...committed ~= written, "written=\(written), the warehouse has \(committed)")
        XCTAssertEqual(row[2], "{\"next\": \(written)}")
        XCTAssertTrue(log.contains("written=\(written) "), log)
        XCTAssertTrue(log.contains("watermark={\"next\": \(written)}"), log)
        XCTAssertFalse(log.contains("watermark=none"), log)
    }

    func testAStopAskedForWhileTheWorkerStartsIsRecordedAsCancelledNotAsACrash() throws {
        // The worker's first milliseconds (loading the runtime, parsing arguments) are the window
        // in which a stop used to kill it with the default action of the forwarded signal.
        for attempt in 0..<5 {
            let workspace = RunWorkspace()
            try generatorPipeline(workspace)
            let (run, stderr) = try workspace.startRun(["run"])
            _ = try firstWorker(of: run)
            run.terminate()
            run.waitUntilExit()
            let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertFalse(log.contains("died of signal"), "attempt \(attempt): \(log)")
            XCTAssertTrue(log.contains("summary entry=gen_stage status=cancelled"), "attempt \(attempt): \(log)")
            XCTAssertEqual(try workspace.stateQuery("SELECT status FROM etl_runs"), "cancelled\n", "attempt \(attempt)")
            XCTAssertEqual(try workspace.stateQuery("SELECT last_status FROM etl_control"), "cancelled\n", "attempt \(attempt)")
        }
    }
}
