import ETLArrow

/// The pieces of a date or timestamp as read from text, before they become a number.
struct DateTimeParts {
    var year = 1970
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    /// Microseconds within the second.
    var microsecond = 0
    /// The value's offset from UTC in seconds (east positive); 0 when the text has none.
    var offsetSeconds = 0
    /// Seconds since the epoch given directly (`%s`), which overrides the fields above.
    var epochSeconds: Int64?

    /// Days since 1970-01-01, or nil when the date does not exist.
    func days() -> Int64? {
        if let epochSeconds { return floorDivide(epochSeconds, 86_400) }
        let (year, month, day) = (Int64(year), Int64(month), Int64(day))
        guard ArrowCivilTime.isValidDate(year: year, month: month, day: day) else { return nil }
        return ArrowCivilTime.daysFromCivil(year: year, month: month, day: day)
    }

    /// Microseconds since the epoch in UTC, or nil when the date or time does not exist.
    func microsecondsSinceEpoch() -> Int64? {
        if let epochSeconds {
            let (micros, overflow) = epochSeconds.multipliedReportingOverflow(by: 1_000_000)
            return overflow ? nil : micros + Int64(microsecond)
        }
        guard hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59,
              let days = days() else { return nil }
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(microsecond)
    }

    private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
