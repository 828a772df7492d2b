import Foundation
import TestSupport
import XCTest

/// `run --every` whose rounds keep failing waits longer after each failed round (the interval
/// doubles, up to 16 times it or an hour) and gives up after `--max-failures` failed rounds in a
/// row, exiting 1, instead of hammering a broken source every interval forever.
final class FailureBackoffTests: XCTestCase {
    /// One entry that always fails: its source file does not exist.
    private func failingPipeline(_ workspace: RunWorkspace) throws {
        try workspace.manifest(
            sources: #"{"gone": {"plugin": "lines", "config": {"path": "missing.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: #"[{"id": "broken", "source": "gone", "stream": "lines", "sink": "files", "target": "broken", "mode": "full"}]"#)
    }

    /// Runs `etl-runtime ARGUMENTS` until it exits by itself; a run still going after two
    /// minutes (it would go on forever) is stopped and fails the test.
    private func runUntilItStops(_ workspace: RunWorkspace, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let (run, stderr) = try workspace.startRun(arguments)
        let reader = StderrReader(stderr)
        for _ in 0..<1200 where run.isRunning { usleep(100_000) }
        if run.isRunning {
            run.interrupt()
            run.waitUntilExit()
            XCTFail("the run did not stop by itself")
        }
        run.waitUntilExit()
        return (run.terminationStatus, reader.text())
    }

    /// The waits the run announced, in order, as written ("0.02s").
    private func announcedWaits(_ log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "next attempt in ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " && $0 != "," })
        }
    }

    func testFailedRoundsWaitTwiceAsLongEachTimeUpTo16IntervalsAndStopAtMaxFailures() throws {
        let workspace = RunWorkspace()
        try failingPipeline(workspace)
        let (status, log) = try runUntilItStops(workspace, ["run", "--every", "0.01s", "--max-failures", "7"])
        XCTAssertEqual(status, 1, log)
        XCTAssertEqual(log.components(separatedBy: " summary entry=broken status=failed ").count - 1, 7, log)
        XCTAssertEqual(announcedWaits(log), ["0.02s", "0.04s", "0.08s", "0.16s", "0.16s", "0.16s"], log)
        XCTAssertTrue(log.contains("7 rounds in a row failed (--max-failures 7); stopping"), log)
    }

    func testFiveFailedRoundsInARowStopTheRunByDefault() throws {
        let workspace = RunWorkspace()
        try failingPipeline(workspace)
        let (status, log) = try runUntilItStops(workspace, ["run", "--every", "0.01s"])
        XCTAssertEqual(status, 1, log)
        XCTAssertEqual(log.components(separatedBy: " summary entry=broken status=failed ").count - 1, 5, log)
        XCTAssertTrue(log.contains("5 rounds in a row failed (--max-failures 5); stopping"), log)
    }

    func testMaxFailuresNeedsEvery() throws {
        let workspace = RunWorkspace()
        try failingPipeline(workspace)
        let outcome = try workspace.run(["run", "--max-failures", "3"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--max-failures needs --every"), outcome.stderr)
    }
}

/// Drains a child's stderr while it runs, so a chatty child never blocks on a full pipe.
private final class StderrReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
