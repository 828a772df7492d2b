import Foundation
import TestSupport
import XCTest

/// Outside a terminal, a long load logs a `progress` event per running entry every
/// `--progress-interval` (rows, bytes, rate), so a log file shows it is alive; `--quiet` logs none.
final class ProgressEventTests: XCTestCase {
    /// One http entry of 50 tasks in pages of 10, each page after the first 300 ms late: ~1.2 s.
    private func slowLoad(_ server: MockAPIServer) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"api": {"plugin": "http", "config": {"base_url": "\(server.baseURL)", "timeout_seconds": 10,
                  "streams": {"tasks": {"path": "/unsorted/tasks", "records_path": "$.tasks", "query": {"delay_ms": "300"},
                    "pagination": {"type": "page_number", "size_param": "per_page", "page_size": 10},
                    "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse", "target": "tasks", "mode": "full", "batch_size": 10}]"#)
        return workspace
    }

    func testALongLoadLogsProgressEventsAtTheInterval() throws {
        let server = try MockAPIServer(tasks: 50)
        let workspace = try slowLoad(server)
        let outcome = try workspace.run(["run", "--progress-interval", "0.2s"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let events = outcome.stderr.split(separator: "\n").filter { $0.contains(" info entry=tasks: progress: ") }
        XCTAssertGreaterThanOrEqual(events.count, 3, outcome.stderr)
        let rows = events.map { line -> Int in
            let text = line.components(separatedBy: "progress: ")[1]
            return Int(text.prefix { $0.isNumber }) ?? -1
        }
        XCTAssertEqual(rows, rows.sorted(), "rows only grow: \(events)")
        XCTAssertTrue(rows.contains { $0 > 0 && $0 < 50 }, "a load seen mid-way: \(events)")
        let pattern = try NSRegularExpression(pattern: #"progress: \d+ rows, [\d.]+ (B|KiB), \d+ rows/s \([\d.]+ (B|KiB)/s\), \d+\.\d s so far$"#)
        for event in events {
            let line = String(event)
            XCTAssertNotNil(pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), line)
        }
        XCTAssertTrue(outcome.stderr.contains("summary entry=tasks status=ok read=50 written=50"), outcome.stderr)
    }

    func testJSONProgressEventsCarryTheirFigures() throws {
        let server = try MockAPIServer(tasks: 50)
        let workspace = try slowLoad(server)
        let outcome = try workspace.run(["run", "--progress-interval", "0.2s", "--log-format", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let events = outcome.stderr.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["event"] as? String == "progress" ? object : nil
        }
        XCTAssertGreaterThanOrEqual(events.count, 3, outcome.stderr)
        let last = try XCTUnwrap(events.last)
        XCTAssertEqual(last["entry"] as? String, "tasks")
        XCTAssertEqual(last["message"] as? String, "progress")
        XCTAssertGreaterThan(Int(last["rows"] as? String ?? "") ?? 0, 0, "\(last)")
        XCTAssertGreaterThan(Int(last["bytes"] as? String ?? "") ?? 0, Int(last["rows"] as? String ?? "") ?? 0, "\(last)")
        XCTAssertNotNil(Int(last["rows_per_second"] as? String ?? ""), "\(last)")
        XCTAssertNotNil(Double(last["elapsed_seconds"] as? String ?? ""), "\(last)")
    }

    func testAShortLoadLogsNoProgressAtTheDefaultIntervalAndQuietLogsNone() throws {
        let server = try MockAPIServer(tasks: 50)
        let workspace = try slowLoad(server)
        let normal = try workspace.run(["run"])
        XCTAssertEqual(normal.status, 0, normal.stderr)
        XCTAssertFalse(normal.stderr.contains("progress"), "10 s by default: \(normal.stderr)")
        let quiet = try workspace.run(["run", "--quiet", "--progress-interval", "0.2s"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
    }

    func testOnATerminalTheLineShowsRowsBytesAndRateAndNoEvents() throws {
        let server = try MockAPIServer(tasks: 50)
        let workspace = try slowLoad(server)
        // script(1) gives the run a terminal for stderr, as a person at a shell has.
        let command = "cd '\(workspace.path)' && '\(TestPaths.runtimeExecutable)' run --progress-interval 0.2s"
        let outcome = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        XCTAssertEqual(outcome.status, 0, outcome.stdout)
        let pattern = try NSRegularExpression(pattern: #"\r\u001B\[Ktasks: \d+ rows, [\d.]+ (B|KiB), \d+ rows/s \([\d.]+ (B|KiB)/s\)"#)
        let text = outcome.stdout
        XCTAssertNotNil(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), text.debugDescription)
        XCTAssertFalse(text.contains("progress:"), "no events on a terminal: \(text.debugDescription)")
        XCTAssertTrue(text.contains("summary entry=tasks status=ok read=50"), text.debugDescription)
    }

    func testABadIntervalIsAUsageError() throws {
        let server = try MockAPIServer(tasks: 5)
        let workspace = try slowLoad(server)
        let outcome = try workspace.run(["run", "--progress-interval", "soon"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--progress-interval"), outcome.stderr)
    }
}
