import Foundation
import TestSupport
import XCTest

/// A run that was killed leaves its entry's lock to its worker for the moment the worker takes
/// to die with it. The next run waits those moments out instead of exiting 75; a lock whose
/// named holder is alive still sends it away at once.
final class DyingLockHolderTests: XCTestCase {
    private func workspaceWithLockHeldBy(namedPid: Int32, holdSeconds: Double) throws -> (RunWorkspace, Process) {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...3)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "app_raw", "source": "app", "stream": "lines", "sink": "files", "target": "app_raw",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
        let locks = workspace.folder.file("state/locks")
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
        let lockFile = locks + "/app_raw.lock"
        try "pid \(namedPid) (since 2026-01-01T00:00:00Z)\n".write(toFile: lockFile, atomically: false, encoding: .utf8)
        // Another process holds the lock, as a dying worker would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-o", lockFile, "sleep", "\(holdSeconds)"]
        try holder.run()
        try waitUntil("flock to take the lock", interval: 0.01) {
            try ProcessRunner.run("/usr/bin/flock", ["--nonblock", lockFile, "true"]).status != 0
        }
        return (workspace, holder)
    }

    private func deadPid() throws -> Int32 {
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        return gone.processIdentifier
    }

    func testALockWhoseRunIsGoneIsWaitedForWhileItsHolderFinishesDying() throws {
        let (workspace, holder) = try workspaceWithLockHeldBy(namedPid: try deadPid(), holdSeconds: 0.5)
        defer { holder.waitUntilExit() }
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try workspace.jsonl("app_raw").count, 3)
    }

    func testALockWhoseRunIsAliveSendsTheNextRunAwayAtOnce() throws {
        let (workspace, holder) = try workspaceWithLockHeldBy(namedPid: getpid(), holdSeconds: 1.5)
        defer { holder.waitUntilExit() }
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 75, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("entry app_raw is already being run by pid \(getpid())"), outcome.stderr)
    }
}
