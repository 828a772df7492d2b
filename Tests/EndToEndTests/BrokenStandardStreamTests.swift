import Foundation
import TestSupport
import XCTest

/// Cron and service managers hand the runtime odd standard streams: stderr closed (`2>&-`), on
/// a full disk, or a pipe whose reader has died. Log lines are best effort, so a run loads all
/// the same; output a command was asked to print is not lost in silence.
final class BrokenStandardStreamTests: XCTestCase {
    /// The repository's default manifest and its census sample, in a folder of their own.
    private func defaultPipeline() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.folder.file("examples/data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("examples/data/adult.data"))
        try FileManager.default.copyItem(atPath: TestPaths.source("plugins.json"), toPath: workspace.folder.file("plugins.json"))
        return workspace
    }

    /// Rows in the default manifest's two targets: the full load and the incremental one's first tick.
    private func loadedRows(_ workspace: RunWorkspace) throws -> String {
        try ProcessRunner.run(
            "/usr/bin/sqlite3",
            [workspace.folder.file("warehouse.db"), "SELECT (SELECT count(*) FROM adult), (SELECT count(*) FROM stage_adult)"]
        ).stdout
    }

    /// `etl-runtime ARGUMENTS` with the shell redirection `redirection` applied to it alone.
    private func runRedirected(_ workspace: RunWorkspace, _ arguments: String, _ redirection: String) throws -> ProcessOutcome {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "ETL_PLUGIN_PATH")
        return try ProcessRunner.run(
            "/bin/sh", ["-c", "exec \"$0\" \(arguments) \(redirection)", TestPaths.runtimeExecutable],
            environment: environment, currentDirectory: workspace.path)
    }

    func testARunWithStderrClosedLoadsEveryRowAndExits0() throws {
        let workspace = try defaultPipeline()
        let outcome = try runRedirected(workspace, "run", "2>&-")
        XCTAssertFalse(outcome.signalled, "killed by signal \(outcome.status)")
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(try loadedRows(workspace), "4000|1630\n")
    }

    func testARunWithStderrOnAFullDiskLoadsEveryRowAndExits0() throws {
        let workspace = try defaultPipeline()
        let outcome = try runRedirected(workspace, "run", "2>/dev/full")
        XCTAssertFalse(outcome.signalled, "killed by signal \(outcome.status)")
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(try loadedRows(workspace), "4000|1630\n")
    }

    func testARunWhoseStderrReaderIsGoneLoadsEveryRowAndExits0() throws {
        let workspace = try defaultPipeline()
        let run = Process()
        run.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        run.arguments = ["run"]
        run.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "ETL_PLUGIN_PATH")
        run.environment = environment
        // A log reader that died before the run wrote its first line.
        let stderr = Pipe()
        try stderr.fileHandleForReading.close()
        run.standardError = stderr
        try run.run()
        run.waitUntilExit()
        XCTAssertEqual(run.terminationReason, .exit, "killed by signal \(run.terminationStatus)")
        XCTAssertEqual(run.terminationStatus, 0)
        XCTAssertEqual(try loadedRows(workspace), "4000|1630\n")
    }

    func testStatusThatCannotWriteItsOutputSaysSoAndFails() throws {
        let workspace = try defaultPipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let outcome = try runRedirected(workspace, "status", ">/dev/full")
        XCTAssertFalse(outcome.signalled, "killed by signal \(outcome.status)")
        XCTAssertEqual(outcome.status, 74, outcome.stderr)
        XCTAssertEqual(outcome.stderr, "etl-runtime: cannot write to standard output: No space left on device\n")
    }
}
