import ETLArrow
import TestSupport
import XCTest

/// The one ISO 8601 reading every plugin shares: what it accepts (each form, with its value
/// in microseconds since the epoch) and what it refuses.
final class ArrowTimestampTextTests: XCTestCase {
    func testEveryAcceptedFormReadsAsItsInstant() {
        for (text, micros) in TimestampForms.accepted {
            XCTAssertEqual(ArrowTimestampText.parse(text)?.micros, micros, text)
        }
    }

    func testEveryRefusedTextIsRefused() {
        for text in TimestampForms.refused {
            XCTAssertNil(ArrowTimestampText.parse(text), text)
        }
    }

    func testAValueFormattedInTheStyleItWasWrittenInReadsBackAsWritten() {
        for (text, _) in TimestampForms.accepted where !text.contains(",") && !text.contains("123456789") {
            guard let parsed = ArrowTimestampText.parse(text) else { return XCTFail(text) }
            XCTAssertEqual(ArrowTimestampText.format(micros: parsed.micros, style: parsed.style), text)
        }
    }

    func testRFC3339IsWhatAPIsAreSent() {
        XCTAssertEqual(ArrowTimestampText.rfc3339(micros: 1_704_103_200_000_000), "2024-01-01T10:00:00Z")
        XCTAssertEqual(ArrowTimestampText.rfc3339(micros: 1_704_103_200_000_001), "2024-01-01T10:00:00.000001Z")
        XCTAssertEqual(ArrowTimestampText.rfc3339(micros: -1), "1969-12-31T23:59:59.999999Z")
    }

    func testYearsBeyondFourDigitsAreWrittenInTheExpandedForm() {
        XCTAssertEqual(ArrowTimestampText.text(micros: 0), "1970-01-01 00:00:00.000000")
        let year10000 = ArrowCivilTime.daysFromCivil(year: 10_000, month: 1, day: 1) * ArrowCivilTime.microsecondsPerDay
        XCTAssertEqual(ArrowTimestampText.text(micros: year10000), "+10000-01-01 00:00:00.000000")
        let yearMinus1 = ArrowCivilTime.daysFromCivil(year: -1, month: 1, day: 1) * ArrowCivilTime.microsecondsPerDay
        XCTAssertEqual(ArrowTimestampText.text(micros: yearMinus1), "-0001-01-01 00:00:00.000000")
    }
}
