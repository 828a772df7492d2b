/// Calendar arithmetic for Arrow's `date32` (days since 1970-01-01) and `timestamp[us, UTC]`
/// (microseconds since 1970-01-01T00:00:00Z) values, without Foundation or a time zone database.
///
/// Proleptic Gregorian calendar, day 0 = 1970-01-01. The day/date conversions count in 400-year
/// cycles of 146 097 days from 0000-03-01 (so a leap day is the last day of its year), which needs
/// no loops or tables and is exact for every day count a `date32` or a µs timestamp can hold.
/// Plugins call these per value while parsing or writing, so they are `@inlinable` and allocate
/// nothing.
public enum ArrowCivilTime {
    /// Microseconds in one second.
    public static let microsecondsPerSecond: Int64 = 1_000_000
    /// Microseconds in one day (UTC has no leap seconds in Arrow's model).
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// Days from 1970-01-01 to a civil date (negative before it), e.g. 2000-03-01 → 11 017.
    /// - Parameters:
    ///   - year: any year; 0 is 1 BC, as ISO 8601 counts.
    ///   - month: 1...12; not range-checked (see `isValidDate`).
    ///   - day: 1...31; not range-checked.
    @inlinable
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let cycle = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfCycle = marchYear - cycle * 400
        let marchMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * marchMonth + 2) / 5 + day - 1
        let dayOfCycle = yearOfCycle * 365 + yearOfCycle / 4 - yearOfCycle / 100 + dayOfYear
        return cycle * 146_097 + dayOfCycle - 719_468
    }

    /// Year, month (1...12) and day (1...31) of `days` since 1970-01-01, e.g. -1 → 1969-12-31.
    @inlinable
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let cycle = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfCycle = shifted - cycle * 146_097
        let yearOfCycle = (dayOfCycle - dayOfCycle / 1_460 + dayOfCycle / 36_524 - dayOfCycle / 146_096) / 365
        let dayOfYear = dayOfCycle - (365 * yearOfCycle + yearOfCycle / 4 - yearOfCycle / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// True for a Gregorian leap year (2000 is one, 1900 and 2100 are not).
    @inlinable
    public static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in `month` (1...12) of `year`.
    @inlinable
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// True when the date exists: month 1...12 and day within that month (no 2023-02-29).
    @inlinable
    public static func isValidDate(year: Int64, month: Int64, day: Int64) -> Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Splits microseconds since the epoch into whole days and the microseconds into that day,
    /// rounding down: -1 µs is day -1 (1969-12-31) at 86 399 999 999 µs, not day 0.
    @inlinable
    public static func splitTimestamp(microseconds: Int64) -> (days: Int64, microsecondOfDay: Int64) {
        let days = microseconds / microsecondsPerDay
        let remainder = microseconds % microsecondsPerDay
        return remainder < 0 ? (days - 1, remainder + microsecondsPerDay) : (days, remainder)
    }

    /// Hour (0...23), minute, second and microsecond (0...999 999) of a microsecond within a day
    /// (0 ..< `microsecondsPerDay`, as `splitTimestamp` returns it).
    @inlinable
    public static func timeOfDay(microsecondOfDay: Int64) -> (hour: Int64, minute: Int64, second: Int64, microsecond: Int64) {
        let seconds = microsecondOfDay / microsecondsPerSecond
        return (seconds / 3600, seconds / 60 % 60, seconds % 60, microsecondOfDay % microsecondsPerSecond)
    }
}
