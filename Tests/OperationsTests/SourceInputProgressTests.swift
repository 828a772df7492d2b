import ETLRuntimeCore
import XCTest

/// How a source's reported progress becomes the percentage and the time left a long load shows.
final class SourceInputProgressTests: XCTestCase {
    func testThePercentIsRoundedDownAndReaches100OnlyWhenEverythingIsRead() {
        XCTAssertEqual(SourceInputProgress(done: 0, total: 1000).percent, 0)
        XCTAssertEqual(SourceInputProgress(done: 426, total: 1000).percent, 42)
        XCTAssertEqual(SourceInputProgress(done: 999_999, total: 1_000_000).percent, 99)
        XCTAssertEqual(SourceInputProgress(done: 1000, total: 1000).percent, 100)
        XCTAssertEqual(SourceInputProgress(done: 1200, total: 1000).percent, 100, "more than announced is done")
        XCTAssertEqual(SourceInputProgress(done: 0, total: 0).percent, 100, "nothing to read is done")
        XCTAssertNil(SourceInputProgress(done: 500, total: nil).percent)
    }

    func testTheTimeLeftIsTheRestAtTheAverageRateSoFar() throws {
        // 250 of 1000 in 10 s: 25 a second, so 750 more take 30 s.
        XCTAssertEqual(try XCTUnwrap(SourceInputProgress(done: 250, total: 1000).secondsLeft(afterElapsed: 10)), 30, accuracy: 1e-9)
        XCTAssertEqual(SourceInputProgress(done: 1000, total: 1000).secondsLeft(afterElapsed: 10), 0)
        XCTAssertNil(SourceInputProgress(done: 0, total: 1000).secondsLeft(afterElapsed: 10), "no rate before anything was read")
        XCTAssertNil(SourceInputProgress(done: 250, total: nil).secondsLeft(afterElapsed: 10))
    }
}
