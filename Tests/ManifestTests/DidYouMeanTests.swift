import ETLRuntimeCore
import XCTest

final class DidYouMeanTests: XCTestCase {
    func testSwappedLettersCostOneEdit() {
        XCTAssertEqual(DidYouMean.distance("cursor_feild", "cursor_field"), 1)
        XCTAssertEqual(DidYouMean.distance("kitten", "sitting"), 3)
        XCTAssertEqual(DidYouMean.distance("", "abc"), 3)
        XCTAssertEqual(DidYouMean.distance("Mode", "mode"), 0)
    }

    func testSuggestsOnlyCloseWords() {
        let keys = ["source", "sink", "stream", "cursor_field"]
        XCTAssertEqual(DidYouMean.suggestion(for: "cursor_feild", among: keys), "cursor_field")
        XCTAssertEqual(DidYouMean.suggestion(for: "sinc", among: keys), "sink")
        XCTAssertNil(DidYouMean.suggestion(for: "target", among: keys))
        XCTAssertNil(DidYouMean.suggestion(for: "ab", among: ["xy"]))
    }

    func testPrefixesSuggestTheLongerWordUnlessDisallowed() {
        XCTAssertEqual(DidYouMean.suggestion(for: "batch", among: ["batch_size"]), "batch_size")
        XCTAssertNil(DidYouMean.suggestion(for: "incr", among: ["full", "incremental"], allowPrefix: false))
    }

    func testChoiceListsReadNaturally() {
        XCTAssertEqual(DidYouMean.choiceList(["full"]), #""full""#)
        XCTAssertEqual(DidYouMean.choiceList(["full", "incremental"]), #""full" or "incremental""#)
        XCTAssertEqual(DidYouMean.choiceList(["a", "b", "c"]), #""a", "b" or "c""#)
    }
}
