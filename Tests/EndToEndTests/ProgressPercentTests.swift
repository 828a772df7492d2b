import Foundation
import TestSupport
import XCTest

/// A source that knows how much it will read (the csv source, from its files' sizes) makes the
/// progress of a long load show how much is done and the time left: `42% ETA 1m12s` on a
/// terminal, `percent` and `eta_seconds` in the `progress` log events.
final class ProgressPercentTests: XCTestCase {
    /// One csv entry over a generated file large enough to take a few seconds in a debug build.
    private func largeCSVLoad() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        var text = "id,name,amount\n"
        text.reserveCapacity(30_000_000)
        for id in 0..<600_000 { text += "\(id),customer \(id % 9973),\(id % 100_000).\(id % 100)\n" }
        try workspace.textFile("orders.csv", text)
        try workspace.manifest(
            sources: #"{"files": {"plugin": "csv", "config": {"path": "orders.csv"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "orders", "source": "files", "stream": "orders", "sink": "warehouse", "target": "orders", "mode": "full", "batch_size": 5000}]"#)
        return workspace
    }

    func testJSONProgressEventsOfACSVLoadCarryARisingPercentAndTheTimeLeft() throws {
        let workspace = try largeCSVLoad()
        let outcome = try workspace.run(["run", "--progress-interval", "0.2s", "--log-format", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let events = outcome.stderr.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["event"] as? String == "progress" ? object : nil
        }
        let percents = events.compactMap { Int($0["percent"] as? String ?? "") }
        XCTAssertGreaterThanOrEqual(percents.count, 3, "a percent in the events of a load of a file: \(events)")
        XCTAssertEqual(percents, percents.sorted(), "the percent only grows: \(percents)")
        XCTAssertTrue(percents.allSatisfy { (0...100).contains($0) }, "\(percents)")
        XCTAssertTrue(percents.contains { $0 > 0 && $0 < 100 }, "a load seen mid-way: \(percents)")
        let midway = try XCTUnwrap(events.first { Int($0["percent"] as? String ?? "").map { $0 > 0 && $0 < 100 } ?? false })
        XCTAssertNotNil(Int(midway["eta_seconds"] as? String ?? ""), "time left while under 100 %: \(midway)")
    }

    func testTextProgressEventsShowThePercentAndTheTimeLeft() throws {
        let workspace = try largeCSVLoad()
        let outcome = try workspace.run(["run", "--progress-interval", "0.2s"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let events = outcome.stderr.split(separator: "\n").filter { $0.contains(" info entry=orders: progress: ") }.map(String.init)
        let pattern = try NSRegularExpression(
            pattern: #"progress: \d+ rows, [\d.]+ (B|KiB|MiB), \d+ rows/s \([\d.]+ (B|KiB|MiB)/s\), (\d+)%( ETA \d+s| ETA \d+m\d\ds)?, \d+\.\d s so far$"#)
        var percents: [Int] = []
        for line in events {
            guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                  let range = Range(match.range(at: 3), in: line) else {
                XCTFail("no percent in: \(line)")
                continue
            }
            percents.append(Int(line[range]) ?? -1)
            if percents.last! < 100 { XCTAssertTrue(line.contains(" ETA "), line) }
        }
        XCTAssertGreaterThanOrEqual(percents.count, 3, outcome.stderr)
        XCTAssertEqual(percents, percents.sorted(), "\(percents)")
        XCTAssertTrue(outcome.stderr.contains("summary entry=orders status=ok read=600000 written=600000"), outcome.stderr)
    }

    func testOnATerminalTheLineShowsThePercentAndTheTimeLeft() throws {
        let workspace = try largeCSVLoad()
        // script(1) gives the run a terminal for stderr, as a person at a shell has.
        let command = "cd '\(workspace.path)' && '\(TestPaths.runtimeExecutable)' run --progress-interval 0.2s"
        let outcome = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        XCTAssertEqual(outcome.status, 0, outcome.stdout)
        let text = outcome.stdout
        let pattern = try NSRegularExpression(
            pattern: #"\r\u001B\[Korders: \d+ rows, [\d.]+ (B|KiB|MiB), \d+ rows/s \([\d.]+ (B|KiB|MiB)/s\), (\d+)% ETA (\d+s|\d+m\d\ds)"#)
        let percents = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 3), in: text).flatMap { Int(text[$0]) }
        }
        XCTAssertFalse(percents.isEmpty, text.debugDescription)
        XCTAssertEqual(percents, percents.sorted(), "\(percents)")
        XCTAssertTrue(percents.allSatisfy { $0 < 100 }, "an ETA is shown only while under 100 %: \(percents)")
        XCTAssertFalse(text.contains("progress:"), "no events on a terminal: \(text.debugDescription)")
        XCTAssertTrue(text.contains("summary entry=orders status=ok read=600000"), text.debugDescription)
    }
}
