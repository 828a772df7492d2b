import ETLRuntimeCore
import XCTest

/// `run --every`: after a failed round the wait doubles, up to 16 intervals or an hour (never
/// below the interval); a good round resets it; `maxFailures` failed rounds in a row stop the run.
final class RoundBackoffTests: XCTestCase {
    private func waits(_ backoff: inout RoundBackoff, failed rounds: [Bool]) -> [RoundBackoff.Next] {
        rounds.map { backoff.next(afterRoundFailed: $0) }
    }

    func testGoodRoundsWaitOneInterval() {
        var backoff = RoundBackoff(interval: 10, maxFailures: 5)
        XCTAssertEqual(waits(&backoff, failed: [false, false]), [.wait(seconds: 10), .wait(seconds: 10)])
    }

    func testFailedRoundsDoubleTheWaitUpTo16IntervalsThenStop() {
        var backoff = RoundBackoff(interval: 10, maxFailures: 7)
        XCTAssertEqual(waits(&backoff, failed: Array(repeating: true, count: 7)), [
            .wait(seconds: 20), .wait(seconds: 40), .wait(seconds: 80), .wait(seconds: 160), .wait(seconds: 160),
            .wait(seconds: 160), .stop,
        ])
    }

    func testTheLongestWaitIsAnHour() {
        var backoff = RoundBackoff(interval: 600, maxFailures: 10)
        XCTAssertEqual(waits(&backoff, failed: [true, true, true]), [.wait(seconds: 1200), .wait(seconds: 2400), .wait(seconds: 3600)])
    }

    func testAnIntervalLongerThanAnHourIsNeverShortened() {
        var backoff = RoundBackoff(interval: 7200, maxFailures: 10)
        XCTAssertEqual(waits(&backoff, failed: [true, true]), [.wait(seconds: 7200), .wait(seconds: 7200)])
    }

    func testAGoodRoundResetsTheWaitAndTheCount() {
        var backoff = RoundBackoff(interval: 1, maxFailures: 3)
        XCTAssertEqual(waits(&backoff, failed: [true, true, false, true, true]), [
            .wait(seconds: 2), .wait(seconds: 4), .wait(seconds: 1), .wait(seconds: 2), .wait(seconds: 4),
        ])
        XCTAssertEqual(backoff.failedRoundsInARow, 2)
        XCTAssertEqual(backoff.next(afterRoundFailed: true), .stop)
    }
}
