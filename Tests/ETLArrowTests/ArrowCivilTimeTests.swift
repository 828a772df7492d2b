import ETLArrow
import XCTest

final class ArrowCivilTimeTests: XCTestCase {
    func testEpochIsDayZero() {
        XCTAssertEqual(ArrowCivilTime.daysFromCivil(year: 1970, month: 1, day: 1), 0)
        XCTAssertTrue(ArrowCivilTime.civilFromDays(0) == (1970, 1, 1))
    }

    func testKnownDatesHaveTheirDayCounts() {
        let known: [(year: Int64, month: Int64, day: Int64, days: Int64)] = [
            (1969, 12, 31, -1), (1900, 1, 1, -25_567), (2000, 1, 1, 10_957), (2000, 3, 1, 11_017),
            (2024, 2, 29, 19_782), (2100, 1, 1, 47_482), (0, 3, 1, -719_468), (-1, 12, 31, -719_529),
        ]
        for date in known {
            XCTAssertEqual(ArrowCivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day), date.days,
                           "\(date.year)-\(date.month)-\(date.day)")
            XCTAssertTrue(ArrowCivilTime.civilFromDays(date.days) == (date.year, date.month, date.day), "day \(date.days)")
        }
    }

    /// Walks about 5 500 years, BC years included, checking each day is the calendar successor of
    /// the one before and that both directions agree.
    func testEveryDayOverAWideRangeFollowsTheDayBeforeAndRoundTrips() {
        let first: Int64 = -1_000_000
        var previous = ArrowCivilTime.civilFromDays(first - 1)
        for days in first...1_000_000 {
            let date = ArrowCivilTime.civilFromDays(days)
            let expected = Self.successor(of: previous)
            guard date == expected, ArrowCivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day) == days else {
                return XCTFail("day \(days): got \(date), expected \(expected)")
            }
            previous = date
        }
    }

    func testCenturyYearsAreLeapOnlyWhenDivisibleBy400() {
        XCTAssertFalse(ArrowCivilTime.isLeapYear(1900))
        XCTAssertTrue(ArrowCivilTime.isLeapYear(2000))
        XCTAssertFalse(ArrowCivilTime.isLeapYear(2100))
        XCTAssertTrue(ArrowCivilTime.isLeapYear(2024))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 1900, month: 2, day: 29))
        XCTAssertTrue(ArrowCivilTime.isValidDate(year: 2000, month: 2, day: 29))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2100, month: 2, day: 29))
        for (year, february) in [(Int64(1900), Int64(28)), (2000, 29), (2100, 28)] {
            let march1 = ArrowCivilTime.daysFromCivil(year: year, month: 3, day: 1)
            let february1 = ArrowCivilTime.daysFromCivil(year: year, month: 2, day: 1)
            XCTAssertEqual(march1 - february1, february, "February \(year)")
        }
    }

    func testImpossibleDatesAreNotValid() {
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2023, month: 0, day: 1))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2023, month: 13, day: 1))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2023, month: 1, day: 0))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2023, month: 4, day: 31))
        XCTAssertFalse(ArrowCivilTime.isValidDate(year: 2023, month: 2, day: 29))
        XCTAssertTrue(ArrowCivilTime.isValidDate(year: 2023, month: 12, day: 31))
    }

    func testDate32ExtremesRoundTrip() {
        for days in [Int64(Int32.min), Int64(Int32.max)] {
            let date = ArrowCivilTime.civilFromDays(days)
            XCTAssertTrue(ArrowCivilTime.isValidDate(year: date.year, month: date.month, day: date.day))
            XCTAssertEqual(ArrowCivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day), days)
        }
    }

    func testNegativeTimestampsRoundDownToTheDayBefore() {
        XCTAssertTrue(ArrowCivilTime.splitTimestamp(microseconds: -1) == (-1, 86_399_999_999))
        XCTAssertTrue(ArrowCivilTime.splitTimestamp(microseconds: -ArrowCivilTime.microsecondsPerDay) == (-1, 0))
        XCTAssertTrue(ArrowCivilTime.timeOfDay(microsecondOfDay: 86_399_999_999) == (23, 59, 59, 999_999))
    }

    func testTimestampSplitsIntoDateAndTimeOfDay() {
        let split = ArrowCivilTime.splitTimestamp(microseconds: 1_704_067_200_123_456 + 45_296_000_007)
        XCTAssertEqual(split.days, 19_723)  // 2024-01-01
        XCTAssertTrue(ArrowCivilTime.timeOfDay(microsecondOfDay: split.microsecondOfDay) == (12, 34, 56, 123_463))
        XCTAssertTrue(ArrowCivilTime.splitTimestamp(microseconds: 0) == (0, 0))
        XCTAssertTrue(ArrowCivilTime.splitTimestamp(microseconds: ArrowCivilTime.microsecondsPerDay) == (1, 0))
    }

    func testTimestampSplitRecombinesOverAWideRange() {
        let step: Int64 = 7_777_777_777_777  // not a multiple of a day or a second
        for micros in stride(from: -50_000 * step, through: 50_000 * step, by: Int(step)) {
            let split = ArrowCivilTime.splitTimestamp(microseconds: micros)
            guard (0..<ArrowCivilTime.microsecondsPerDay).contains(split.microsecondOfDay),
                  split.days * ArrowCivilTime.microsecondsPerDay + split.microsecondOfDay == micros else {
                return XCTFail("\(micros) split into \(split)")
            }
        }
    }

    /// The next calendar day, computed from month lengths alone (independent of the day counting).
    private static func successor(of date: (year: Int64, month: Int64, day: Int64)) -> (year: Int64, month: Int64, day: Int64) {
        if date.day < ArrowCivilTime.daysInMonth(year: date.year, month: date.month) {
            return (date.year, date.month, date.day + 1)
        }
        return date.month == 12 ? (date.year + 1, 1, 1) : (date.year, date.month + 1, 1)
    }
}
