import ETLRuntimeCore
import XCTest

/// An entry is asked to stop when a stop is requested or its timeout passes, whichever comes
/// first; it is killed once its stop_timeout has passed since then, and only then.
final class EntryDeadlinesTests: XCTestCase {
    private func entry(timeout: Int64?, stopTimeout: Int64 = 30) -> ControlEntry {
        ControlEntry(
            id: "orders", source: "api", stream: "orders", sink: "warehouse", target: "orders", mode: .full,
            timeout: timeout.map { ISO8601Duration(seconds: $0) }, stopTimeout: ISO8601Duration(seconds: stopTimeout),
            jsonPath: "$.control_table[0]", line: 1)
    }

    func testAStopRequestAsksAtOnceAndKillsAfterTheStopTimeout() {
        var deadlines = EntryDeadlines(entry(timeout: nil, stopTimeout: 5), started: 100)
        XCTAssertNil(deadlines.due(now: 150, stopRequested: false))
        XCTAssertNil(deadlines.secondsToNextDeadline(now: 150))
        XCTAssertEqual(deadlines.due(now: 200, stopRequested: true), .askToStop(.stopRequested))
        XCTAssertEqual(deadlines.secondsToNextDeadline(now: 203), 2)
        XCTAssertNil(deadlines.due(now: 204.9, stopRequested: true))
        XCTAssertEqual(deadlines.due(now: 205, stopRequested: true), .kill(.stopRequested))
        XCTAssertNil(deadlines.due(now: 300, stopRequested: true))
        XCTAssertEqual(deadlines.overdueOutcome(inProcess: false).status, .cancelled)
        XCTAssertEqual(deadlines.overdueOutcome(inProcess: false).error, "did not stop within 5 s of the stop request; killed")
    }

    func testATimeoutAsksToStopWhenItPassesAndALaterStopRequestChangesNothing() {
        var deadlines = EntryDeadlines(entry(timeout: 600, stopTimeout: 30), started: 100)
        XCTAssertEqual(deadlines.secondsToNextDeadline(now: 100), 600)
        XCTAssertNil(deadlines.due(now: 699, stopRequested: false))
        XCTAssertEqual(deadlines.due(now: 700, stopRequested: false), .askToStop(.timedOut))
        XCTAssertNil(deadlines.due(now: 710, stopRequested: true))
        XCTAssertEqual(deadlines.due(now: 730, stopRequested: true), .kill(.timedOut))
        XCTAssertEqual(deadlines.overdueOutcome(inProcess: false).status, .failed)
        XCTAssertEqual(deadlines.overdueOutcome(inProcess: false).error, "timed out after PT600S and did not stop within 30 s; killed")
    }

    func testAnEntryThatStoppedItselfAfterItsTimeoutIsRecordedFailedUnlessItFinished() {
        var deadlines = EntryDeadlines(entry(timeout: 10), started: 0)
        _ = deadlines.due(now: 10, stopRequested: false)
        var cancelled = EntryRunResult(entryID: "orders", runID: "r", status: .cancelled)
        cancelled.error = "api: cancelled by the host"
        let recorded = deadlines.timedOut(cancelled)
        XCTAssertEqual(recorded.status, .failed)
        XCTAssertEqual(recorded.error, "timed out after PT10S (api: cancelled by the host)")
        let finished = EntryRunResult(entryID: "orders", runID: "r", status: .ok)
        XCTAssertEqual(deadlines.timedOut(finished), finished)
    }
}
