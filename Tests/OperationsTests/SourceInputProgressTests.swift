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
}
