import ETLArrow

/// Date parts and truncation on microseconds since the epoch (UTC).
enum ExpressionDates {
    static let truncationUnits: Set<String> = ["year", "month", "day", "hour", "minute"]

    static func part(_ part: String, of micros: Int64) -> Int64 {
        let (days, microOfDay) = ArrowCivilTime.splitTimestamp(microseconds: micros)
        let civil = ArrowCivilTime.civilFromDays(days)
        let time = ArrowCivilTime.timeOfDay(microsecondOfDay: microOfDay)
        switch part {
        case "year": return civil.year
        case "month": return civil.month
        case "day": return civil.day
        case "hour": return time.hour
        case "minute": return time.minute
        default: return time.second
        }
    }

    static func truncate(_ micros: Int64, to unit: String) -> Int64 {
        let (days, microOfDay) = ArrowCivilTime.splitTimestamp(microseconds: micros)
        let civil = ArrowCivilTime.civilFromDays(days)
        let dayStart = days * ArrowCivilTime.microsecondsPerDay
        let minute: Int64 = 60 * ArrowCivilTime.microsecondsPerSecond
        switch unit {
        case "year": return ArrowCivilTime.daysFromCivil(year: civil.year, month: 1, day: 1) * ArrowCivilTime.microsecondsPerDay
        case "month": return ArrowCivilTime.daysFromCivil(year: civil.year, month: civil.month, day: 1) * ArrowCivilTime.microsecondsPerDay
        case "day": return dayStart
        case "hour": return dayStart + microOfDay / (60 * minute) * (60 * minute)
        default: return dayStart + microOfDay / minute * minute
        }
    }
}
