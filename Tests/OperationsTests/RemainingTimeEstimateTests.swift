import ETLRuntimeCore
import XCTest

/// The time left a long load shows (`ETA` on a terminal, `eta_seconds` in `progress` events): the
/// rest at the rate of the last 30 s of what the source reported, the whole read's rate before.
/// Times are made up, in seconds since the entry started.
final class RemainingTimeEstimateTests: XCTestCase {
    /// An estimate fed a report each `every` seconds up to `until`, `done(t)` units done at `t`.
    private func estimate(total: Int64?, every: Double = 1, until end: Double, done: (Double) -> Int64) -> RemainingTimeEstimate {
        var estimate = RemainingTimeEstimate(started: 0)
        var time = every
        while time <= end + 1e-9 {
            estimate.record(SourceInputProgress(done: done(time), total: total), at: time)
            time += every
        }
        return estimate
    }

    func testAConstantRateGivesTheExactTimeLeft() throws {
        // 100 units a second: 12000 of 100000 after 120 s, so 88000 more take 880 s.
        let steady = estimate(total: 100_000, until: 120) { Int64($0 * 100) }
        XCTAssertEqual(try XCTUnwrap(steady.secondsLeft(at: 120)), 880, accuracy: 1e-9)
        // Younger than the window: the rate of the whole read, 1000 in 10 s.
        let young = estimate(total: 100_000, until: 10) { Int64($0 * 100) }
        XCTAssertEqual(try XCTUnwrap(young.secondsLeft(at: 10)), 990, accuracy: 1e-9)
    }

    func testARateThatHalvesShowsInTheTimeLeftWithinHalfAMinute() throws {
        // 100 a second for 60 s, then 50 a second: 8000 of 20000 at 100 s.
        let total: Int64 = 20_000
        let slowing = estimate(total: total, until: 100) { $0 <= 60 ? Int64($0 * 100) : 6000 + Int64(($0 - 60) * 50) }
        let left = try XCTUnwrap(slowing.secondsLeft(at: 100))
        XCTAssertEqual(left, 12_000 / 50, accuracy: 1e-9, "the rest at the new rate")
        let averageSinceTheStart = Double(total - 8000) / (8000.0 / 100)
        XCTAssertEqual(averageSinceTheStart, 150, accuracy: 1e-9)
        XCTAssertGreaterThan(left - averageSinceTheStart, 85, "the average since the start is 90 s short")
    }

    func testASlowStartIsForgottenOnceTheWindowHasPassedIt() throws {
        // A server warming up: 10 a second for 60 s, then 200 a second; 8600 of 40600 at 100 s.
        let warming = estimate(total: 40_600, until: 100) { $0 <= 60 ? Int64($0 * 10) : 600 + Int64(($0 - 60) * 200) }
        XCTAssertEqual(try XCTUnwrap(warming.secondsLeft(at: 100)), 32_000 / 200, accuracy: 1e-9)
        XCTAssertEqual(32_000 / (8600.0 / 100), 372, accuracy: 1, "what the average since the start would say")
    }

    func testUnevenBatchesDoNotMakeTheTimeLeftJump() throws {
        // Batches alternate 150 and 50 units a second (100 on average): the last batch's rate
        // swings threefold, the ETA at each report moves by under 2 %.
        var estimate = RemainingTimeEstimate(started: 0)
        var done: Int64 = 0
        var previous: Double?
        for second in 1...200 {
            done += second.isMultiple(of: 2) ? 50 : 150
            estimate.record(SourceInputProgress(done: done, total: 100_000), at: Double(second))
            let left = try XCTUnwrap(estimate.secondsLeft(at: Double(second)))
            if second > 60, let previous {
                XCTAssertEqual(left / previous, 1, accuracy: 0.02, "at \(second) s: \(previous) s, then \(left) s")
            }
            previous = left
        }
    }

    func testABatchOnItsWayLowersTheRateAsTimePasses() throws {
        // 100 a second until 60 s, then nothing reported until 90 s: the rate of the last 30 s
        // reaching now is 3000 in 60 s, half of what it was.
        let stalled = estimate(total: 100_000, until: 60) { Int64($0 * 100) }
        XCTAssertEqual(try XCTUnwrap(stalled.secondsLeft(at: 60)), 940, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(stalled.secondsLeft(at: 90)), 1880, accuracy: 1e-9)
    }

    func testBatchesFurtherApartThanTheWindowStillGiveARate() throws {
        // One report of 4500 every 45 s (100 a second).
        let sparse = estimate(total: 100_000, every: 45, until: 135) { Int64($0 * 100) }
        XCTAssertEqual(try XCTUnwrap(sparse.secondsLeft(at: 135)), (100_000 - 13_500) / 100, accuracy: 1e-9)
    }

    func testFrequentReportsKeepAFewSamplesAndTheSameTimeLeft() throws {
        // 100 reports a second for 100 s.
        let busy = estimate(total: 100_000, every: 0.01, until: 100) { Int64(($0 * 100).rounded()) }
        XCTAssertLessThanOrEqual(busy.keptSamples, Int(RemainingTimeEstimate.window / RemainingTimeEstimate.spacing) + 2)
        XCTAssertEqual(try XCTUnwrap(busy.secondsLeft(at: 100)), 900, accuracy: 1)
    }

    func testNoTimeLeftWithoutATotalOrBeforeAnythingMoved() {
        XCTAssertNil(RemainingTimeEstimate(started: 0).secondsLeft(at: 10), "nothing reported")
        XCTAssertNil(estimate(total: 1000, until: 10) { _ in 0 }.secondsLeft(at: 10), "reported, but nothing consumed")
        XCTAssertNil(estimate(total: nil, until: 10) { Int64($0 * 100) }.secondsLeft(at: 10), "the source cannot tell its total")
        var started = RemainingTimeEstimate(started: 5)
        started.record(SourceInputProgress(done: 100, total: 1000), at: 5)
        XCTAssertNil(started.secondsLeft(at: 5), "no time has passed")
    }

    func testEverythingReadLeavesNoTime() {
        XCTAssertEqual(estimate(total: 1000, until: 10) { _ in 1000 }.secondsLeft(at: 10), 0)
        XCTAssertEqual(estimate(total: 1000, until: 10) { _ in 1200 }.secondsLeft(at: 10), 0, "more than announced is done")
        XCTAssertEqual(estimate(total: 0, until: 1) { _ in 0 }.secondsLeft(at: 1), 0, "nothing to read")
    }

    func testANewReadStartingFromNoneForgetsTheOldRate() throws {
        var estimate = self.estimate(total: 10_000, until: 50) { Int64($0 * 100) }
        estimate.record(SourceInputProgress(done: 0, total: 2000), at: 51)
        XCTAssertNil(estimate.secondsLeft(at: 51), "nothing of the new read yet")
        estimate.record(SourceInputProgress(done: 500, total: 2000), at: 61)
        XCTAssertEqual(try XCTUnwrap(estimate.secondsLeft(at: 61)), 1500 / 50, accuracy: 1e-9, "500 in the 10 s since it began")
    }
}
