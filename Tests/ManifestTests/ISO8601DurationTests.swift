import ETLRuntimeCore
import XCTest

final class ISO8601DurationTests: XCTestCase {
    func testCommonDurationsBecomeSeconds() throws {
        XCTAssertEqual(try ISO8601Duration(parsing: "PT10M").seconds, 600)
        XCTAssertEqual(try ISO8601Duration(parsing: "P1D").seconds, 86_400)
        XCTAssertEqual(try ISO8601Duration(parsing: "PT1H30M").seconds, 5_400)
        XCTAssertEqual(try ISO8601Duration(parsing: "P1W").seconds, 604_800)
        XCTAssertEqual(try ISO8601Duration(parsing: "P1DT2H3M4S").seconds, 93_784)
        XCTAssertEqual(try ISO8601Duration(parsing: "PT0S").seconds, 0)
        XCTAssertEqual(try ISO8601Duration(parsing: "PT90S").seconds, 90)
    }

    func testTextIsKeptAsWritten() throws {
        XCTAssertEqual(try ISO8601Duration(parsing: "PT10M").text, "PT10M")
    }

    func testMalformedDurationsAreRefused() {
        for text in ["", "P", "PT", "10M", "PT10", "PT30M1H", "P1.5D", "PT1M1M", "P1H", "PT1D", "P-1D", "P1DT"] {
            XCTAssertThrowsError(try ISO8601Duration(parsing: text), text) { error in
                XCTAssertEqual(error as? ISO8601DurationError, .malformed, text)
            }
        }
    }

    func testYearsAndMonthsAreRefusedWithAReason() {
        XCTAssertThrowsError(try ISO8601Duration(parsing: "P1M")) { error in
            XCTAssertEqual("\(error)", "years and months have no fixed length; use weeks or days, e.g. \"P30D\"")
        }
        XCTAssertThrowsError(try ISO8601Duration(parsing: "P1Y"))
    }

    func testOverflowIsRefusedInsteadOfWrapping() {
        XCTAssertThrowsError(try ISO8601Duration(parsing: "P99999999999999999W")) { error in
            XCTAssertEqual(error as? ISO8601DurationError, .tooLarge)
        }
    }
}
