import Foundation
import TestSupport
import XCTest

/// SIGTERM (cron's timeout, systemd stop) ends a run promptly even while a plugin waits on
/// the network: the transfer is abandoned, the entry is recorded as cancelled, nothing is
/// committed for the unfinished batch, and the run exits 143 (128 + SIGTERM).
final class CancellationTests: XCTestCase {
    func testSIGTERMStopsARunWaitingOnASlowAPIPromptlyAndRecordsItAsCancelled() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        try workspace.slowAPIManifest(server)
        let (run, stderr) = try workspace.startRun(["run"])
        // Wait until the request reached the server, then ask the run to stop.
        try waitUntil("the server to receive the request") { !((try? server.requests()) ?? []).isEmpty }
        let signalled = Date()
        run.terminate()
        run.waitUntilExit()
        let elapsed = Date().timeIntervalSince(signalled)
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Not a speed check: the server answers only after 30 s, so a run that waited for the
        // transfer instead of abandoning it could not have ended sooner.
        XCTAssertLessThan(elapsed, 25, "the run waited for the 30 s transfer after SIGTERM")
        XCTAssertEqual(run.terminationReason, .exit, log)
        XCTAssertEqual(run.terminationStatus, 143, log)  // 128 + SIGTERM: stopped, not failed
        XCTAssertTrue(log.contains("summary entry=slow status=cancelled"), log)
        XCTAssertEqual(try workspace.stateQuery("SELECT status FROM etl_runs"), "cancelled\n")
    }
}
