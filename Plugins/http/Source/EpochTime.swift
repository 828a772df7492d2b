import ETLArrow
import ETLPluginKit

/// Instants written as numbers of seconds or milliseconds since the Unix epoch (`1704067200`,
/// `1704067200000`, or the same digits in a string, as many APIs send them).
enum EpochTime {
    /// Microseconds since the epoch for `value` counted in `unit` (epoch_seconds or
    /// epoch_millis); nil for text that is not a number, or past year ±285,000.
    static func microseconds(_ value: JSONValue, unit: WatermarkFormat) -> Int64? {
        switch value {
        case .number(let number):
            if let whole = number.int64Value { return microseconds(whole: whole, unit: unit) }
            return microseconds(fraction: number.doubleValue, unit: unit)
        case .string(let text):
            if let whole = Int64(text) { return microseconds(whole: whole, unit: unit) }
            return Double(text).flatMap { microseconds(fraction: $0, unit: unit) }
        default:
            return nil
        }
    }

    /// Microseconds for a whole number of `unit`s, nil on overflow.
    static func microseconds(whole: Int64, unit: WatermarkFormat) -> Int64? {
        let (micros, overflow) = whole.multipliedReportingOverflow(by: unit == .epochMillis ? 1_000 : 1_000_000)
        return overflow ? nil : micros
    }

    private static func microseconds(fraction: Double, unit: WatermarkFormat) -> Int64? {
        let micros = (fraction * (unit == .epochMillis ? 1_000 : 1_000_000)).rounded()
        guard micros.isFinite, abs(micros) < 9e18 else { return nil }
        return Int64(micros)
    }

    /// The day (days since 1970-01-01, UTC) of an instant.
    static func day(microseconds micros: Int64) -> Int32? {
        let perDay = ArrowCivilTime.microsecondsPerDay
        let days = micros >= 0 ? micros / perDay : -((-micros + perDay - 1) / perDay)
        return Int32(exactly: days)
    }
}
