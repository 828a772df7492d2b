import Foundation
import TestSupport
import XCTest

/// A stop always ends: once an entry is asked to stop (SIGINT/SIGTERM, or its `timeout`), it
/// has its `stop_timeout` to reach a batch boundary; then its worker is killed and the run is
/// recorded with the reason. Batches committed before stay committed. The fixture is
/// Tests/PluginABITests/Fixtures/stubborn_source.c: after its first batch, `get_next` never
/// returns (or, as "patient", returns once asked to stop).
final class StopDeadlineTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        let plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/stubborn_source.c", output: "\(plugins)/libetl_stubborn.so")
        try CCompiler.sharedLibrary(
            "Tests/PluginABITests/Fixtures/stubborn_source.c", output: "\(plugins)/libetl_patient.so",
            defines: [#"STUBBORN_NAME="patient""#, "STUBBORN_HONOURS_CANCEL"])
    }

    /// One incremental entry "stuck" reading `plugin` in batches of 10, with `settings` (JSON
    /// members) added to the entry.
    private func manifest(plugin: String, settings: String) throws {
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"numbers": {"plugin": "\(plugin)", "config": {"count": 100}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "stuck", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers",
                "mode": "incremental", "write": "append", "cursor_field": "n", "batch_size": 10, \(settings)}]}
            """)
    }

    private func warehouseRows() -> Int {
        let outcome = try? ProcessRunner.run(
            "/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM numbers"])
        return Int(outcome?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// Waits for `condition`, failing the test loudly when it is still false after `seconds`
    /// (a guard against a hang, not a measure of speed).
    private func waitUntil(_ what: String, seconds: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("still waiting, after \(Int(seconds)) s, until \(what)")
                return false
            }
            usleep(20_000)
        }
        return true
    }

    /// Waits for `run` to end; one that is still running after a minute is killed (with its
    /// workers) and the test fails: a stop that never ends is the bug these tests look for.
    private func finish(_ run: Process, stderr: Pipe) -> String {
        let ended = waitUntil("the run ended") { !run.isRunning }
        if !ended {
            for worker in WorkerProcesses.of(parent: run.processIdentifier) { kill(worker, SIGKILL) }
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
        }
        return String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func testASourceThatIgnoresTheStopRequestIsKilledAfterItsStopTimeout() throws {
        try manifest(plugin: "stubborn", settings: #""stop_timeout": "PT1S""#)
        let (run, stderr) = try workspace.startRun(["run"])
        // After its first batch is committed, the source is stuck in get_next for good.
        guard waitUntil("the first batch was committed", { warehouseRows() == 10 }) else { run.terminate(); return }
        run.terminate()
        let log = finish(run, stderr: stderr)
        XCTAssertEqual(run.terminationReason, .exit, log)
        XCTAssertEqual(run.terminationStatus, 143, log)  // stopped by SIGTERM, as any stopped run
        XCTAssertTrue(log.contains("asked entry stuck to stop; it has 1 s before it is killed"), log)
        XCTAssertTrue(log.contains("summary entry=stuck status=cancelled read=10 written=10"), log)
        XCTAssertTrue(log.contains("error=did not stop within 1 s of the stop request; killed"), log)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT status, rows_written, error FROM etl_runs"),
            "cancelled|10|did not stop within 1 s of the stop request; killed\n")
        XCTAssertEqual(warehouseRows(), 10)  // the committed batch stays
        XCTAssertEqual(WorkerProcesses.of(parent: run.processIdentifier), [])
    }

    func testInProcessTheRunEndsWithoutAThreadThatDoesNotStopInTime() throws {
        try manifest(plugin: "stubborn", settings: #""stop_timeout": "PT1S""#)
        let (run, stderr) = try workspace.startRun(["run", "--in-process"])
        guard waitUntil("the first batch was committed", { warehouseRows() == 10 }) else { run.terminate(); return }
        run.interrupt()
        let log = finish(run, stderr: stderr)
        XCTAssertEqual(run.terminationReason, .exit, log)
        XCTAssertEqual(run.terminationStatus, 130, log)  // 128 + SIGINT
        XCTAssertTrue(
            log.contains("asked entry stuck to stop; it has 1 s before the run ends without it (--in-process cannot kill a thread)"), log)
        XCTAssertTrue(log.contains("summary entry=stuck status=cancelled"), log)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT status, rows_written, error FROM etl_runs"),
            "cancelled|10|did not stop within 1 s of the stop request; the run ended without it (--in-process cannot kill a thread)\n")
        XCTAssertEqual(warehouseRows(), 10)
    }

    func testAnEntryPastItsTimeoutThatIgnoresTheStopRequestIsKilledAndRecordedFailed() throws {
        try manifest(plugin: "stubborn", settings: #""timeout": "PT2S", "stop_timeout": "PT1S""#)
        let (run, stderr) = try workspace.startRun(["run"])
        let log = finish(run, stderr: stderr)
        XCTAssertEqual(run.terminationStatus, 1, log)  // failed, not stopped: nobody sent a signal
        XCTAssertTrue(log.contains("entry stuck timed out after PT2S; asked it to stop; it has 1 s before it is killed"), log)
        XCTAssertTrue(log.contains("summary entry=stuck status=failed"), log)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT status, error FROM etl_runs"),
            "failed|timed out after PT2S and did not stop within 1 s; killed\n")
        XCTAssertEqual(String(warehouseRows()), try workspace.stateQuery("SELECT rows_written FROM etl_runs").trimmingCharacters(in: .newlines))
    }

    func testAnEntryPastItsTimeoutThatStopsWhenAskedIsRecordedFailed() throws {
        try manifest(plugin: "patient", settings: #""timeout": "PT1S""#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry stuck timed out after PT1S; asked it to stop; it has 30 s before it is killed"), outcome.stderr)
        // Failed, with what the plugin said as it stopped.
        let recorded = try workspace.stateQuery("SELECT status, error FROM etl_runs")
        XCTAssertTrue(recorded.hasPrefix("failed|timed out after PT1S ("), recorded)
        XCTAssertTrue(recorded.contains("patient: cancelled by the host"), recorded)
        XCTAssertFalse(recorded.contains("killed"), recorded)
    }

    func testATimeoutIsRefusedWithInProcessWhichCannotEnforceIt() throws {
        try manifest(plugin: "patient", settings: #""timeout": "PT1S""#)
        let outcome = try workspace.run(["run", "--in-process"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertEqual(
            outcome.stderr,
            "etl-runtime: entry \"stuck\" has a timeout (PT1S), which only a worker process can enforce: a thread cannot be "
                + "stopped from outside. Run it without --in-process, or remove its \"timeout\"\n")
        XCTAssertEqual(warehouseRows(), 0)
    }

    func testValidateRefusesDurationsThatAreNotLimitsWithTheirJSONPath() throws {
        try manifest(plugin: "patient", settings: #""timeout": "10 minutes", "stop_timeout": "PT0S""#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(
                #"$.control_table[0].timeout: expected an ISO 8601 duration such as "PT10M", "P1D" or "PT1H30M", got "10 minutes""#),
            outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(
                #"$.control_table[0].stop_timeout: expected a duration of at least one second, such as "PT30S" or "PT10M", got "PT0S""#),
            outcome.stderr)
    }
}
