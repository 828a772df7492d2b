import Foundation
import TestSupport
import XCTest

/// The exit code tells cron what happened, one code per run, the most serious first: stopped by
/// a signal (128 + its number) > configuration invalid (78) > an entry failed (1) > an entry
/// was locked by another run (75) > all done (0).
final class ExitCodeTests: XCTestCase {
    /// Waits until `server` saw the slow request: the run is then surely mid-load.
    private func waitForRequest(_ server: MockAPIServer) throws {
        try waitUntil("the server to receive the request") { !((try? server.requests()) ?? []).isEmpty }
    }

    func testARunStoppedBySIGTERMExits143() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        try workspace.slowAPIManifest(server)
        let (run, stderr) = try workspace.startRun(["run"])
        try waitForRequest(server)
        run.terminate()
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(run.terminationReason, .exit, log)
        XCTAssertEqual(run.terminationStatus, 143, log)
        XCTAssertTrue(log.contains("summary entry=slow status=cancelled"), log)
    }

    func testARunStoppedBySIGINTExits130() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        try workspace.slowAPIManifest(server)
        let (run, stderr) = try workspace.startRun(["run"])
        try waitForRequest(server)
        run.interrupt()
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(run.terminationReason, .exit, log)
        XCTAssertEqual(run.terminationStatus, 130, log)
        XCTAssertTrue(log.contains("summary entry=slow status=cancelled"), log)
    }

    /// Two log-file entries, "busy" and "free", and another process holding busy's lock under
    /// a live run's name (this test's pid); `failing` makes free's source a missing file.
    private func workspaceWithBusyEntryLocked(failing: Bool = false) throws -> (RunWorkspace, LockHolder) {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...3)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}, "gone": {"plugin": "lines", "config": {"path": "missing.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "busy", "source": "app", "stream": "lines", "sink": "files", "target": "busy", "mode": "full"},
                 {"id": "free", "source": "\(failing ? "gone" : "app")", "stream": "lines", "sink": "files", "target": "free", "mode": "full"}]
                """)
        let locks = workspace.folder.file("state/locks")
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
        let lockFile = locks + "/busy.lock"
        try "pid \(getpid()) (since 2026-01-01T00:00:00Z)\n".write(toFile: lockFile, atomically: false, encoding: .utf8)
        return (workspace, try LockHolder(lockFile))
    }

    func testALockedEntryIsLeftAloneWhileTheOthersLoadAndTheRunExits75() throws {
        let (workspace, holder) = try workspaceWithBusyEntryLocked()
        defer { holder.release() }
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 75, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry busy is already being run by pid \(getpid())"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(" summary entry=free status=ok read=3 "), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains(" summary entry=busy "), outcome.stderr)
        XCTAssertEqual(try workspace.jsonl("free").count, 3)
        XCTAssertEqual(try workspace.jsonl("busy").count, 0)
    }

    func testWithEveryALockedEntryIsNamedOnceAndLoadedWhenItsLockIsFree() throws {
        let (workspace, holder) = try workspaceWithBusyEntryLocked()
        defer { holder.release() }
        let (run, stderr) = try workspace.startRun(["run", "--every", "0.05s"])
        defer { if run.isRunning { run.interrupt() } }
        try waitUntil("three rounds of the free entry") { try workspace.jsonl("free").count >= 3 }
        XCTAssertEqual(try workspace.jsonl("busy").count, 0, "loaded while another run held it")
        holder.release()
        try waitUntil("three rounds of the released entry") { try workspace.jsonl("busy").count >= 3 }
        run.terminate()
        run.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(try workspace.jsonl("busy").count, 3, log)
        XCTAssertEqual(log.components(separatedBy: "entry busy is already being run by pid \(getpid())").count - 1, 1, log)
        XCTAssertEqual(run.terminationStatus, 143, log)
    }

    func testAFailedEntryOutranksALockedOne() throws {
        let (workspace, holder) = try workspaceWithBusyEntryLocked(failing: true)
        defer { holder.release() }
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry busy is already being run by pid \(getpid())"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(" summary entry=free status=failed "), outcome.stderr)
    }
}

/// Another process holding a lock file (`flock`), until released.
private final class LockHolder {
    private let process = Process()
    private let input = Pipe()

    init(_ lockFile: String) throws {
        // flock holds the lock while `cat` runs; `cat` ends when its input is closed.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-o", lockFile, "cat"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try waitUntil("the holder to take the lock", interval: 0.01) {
            try ProcessRunner.run("/usr/bin/flock", ["--nonblock", lockFile, "true"]).status != 0
        }
    }

    /// Ends the holder and waits for it; calling it again does nothing.
    func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
