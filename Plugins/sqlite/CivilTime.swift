/// Dates and times as text, without Foundation: the sink writes Arrow timestamps and dates as
/// `YYYY-MM-DD HH:MM:SS.ffffff` / `YYYY-MM-DD` (UTC), which SQLite's date functions read and
/// which sort correctly as text; the source parses such text back for `timestamp` / `date`
/// column overrides and for lookback arithmetic.
///
/// Proleptic Gregorian calendar; day 0 is 1970-01-01. The day/civil conversions count in
/// 400-year cycles of 146 097 days, which makes them exact for every Int64 day count we meet.
enum CivilTime {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    /// Year, month (1...12), day (1...31) of `days` since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        // Shift the epoch to 0000-03-01 so that the leap day is the last day of a year.
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

    /// Days since 1970-01-01 of a civil date (month 1...12, day 1...31, not range-checked).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let cycle = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfCycle = marchYear - cycle * 400
        let marchMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * marchMonth + 2) / 5 + day - 1
        let dayOfCycle = yearOfCycle * 365 + yearOfCycle / 4 - yearOfCycle / 100 + dayOfYear
        return cycle * 146_097 + dayOfCycle - 719_468
    }

    /// Whether `day` exists in `month` of `year`.
    static func isValid(year: Int64, month: Int64, day: Int64) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let lengths: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return day <= (month == 2 && isLeap ? 29 : lengths[Int(month - 1)])
    }

    // MARK: Writing (the sink's hot path: no allocation)

    /// Longest text `writeTimestamp` produces: a sign, six year digits, and the rest.
    static let maximumTimestampLength = 32

    /// Writes `YYYY-MM-DD` for `days` since the epoch at `out` and returns the byte count.
    /// Years outside 0...9999 get a sign and as many digits as needed (ISO 8601 expanded form).
    @inline(__always)
    static func writeDate(days: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day) = civil(fromDays: days)
        var at = writeYear(year, into: out)
        out[at] = 0x2D
        writeTwoDigits(month, into: out + at + 1)
        out[at + 3] = 0x2D
        writeTwoDigits(day, into: out + at + 4)
        at += 6
        return at
    }

    /// Writes `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) for microseconds since the epoch at `out` and
    /// returns the byte count. `out` must hold `maximumTimestampLength` bytes.
    @inline(__always)
    static func writeTimestamp(micros: Int64, into out: UnsafeMutablePointer<UInt8>, separator: UInt8 = 0x20,
                               fractionDigits: Int = 6) -> Int {
        // Floor division: -1 µs is the last microsecond of 1969-12-31.
        var days = micros / microsPerDay
        var remainder = micros % microsPerDay
        if remainder < 0 {
            days -= 1
            remainder += microsPerDay
        }
        var at = writeDate(days: days, into: out)
        let seconds = remainder / microsPerSecond
        out[at] = separator
        writeTwoDigits(seconds / 3600, into: out + at + 1)
        out[at + 3] = 0x3A
        writeTwoDigits(seconds / 60 % 60, into: out + at + 4)
        out[at + 6] = 0x3A
        writeTwoDigits(seconds % 60, into: out + at + 7)
        at += 9
        if fractionDigits > 0 {
            out[at] = 0x2E
            // Six digits always fit (the buffer holds nine); fewer digits just stop short, and
            // digits beyond six are zeros since the value only has microseconds.
            var fraction = remainder % microsPerSecond
            for index in stride(from: 6, through: 1, by: -1) {
                out[at + index] = UInt8(0x30 + fraction % 10)
                fraction /= 10
            }
            let kept = min(fractionDigits, 9)
            if kept > 6 {
                for index in 7...kept { out[at + index] = 0x30 }
            }
            at += 1 + kept
        }
        return at
    }

    @inline(__always)
    private static func writeTwoDigits(_ value: Int64, into out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(0x30 + value / 10)
        out[1] = UInt8(0x30 + value % 10)
    }

    @inline(__always)
    private static func writeYear(_ year: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if year >= 0 && year <= 9999 {
            out[0] = UInt8(0x30 + year / 1000)
            out[1] = UInt8(0x30 + year / 100 % 10)
            out[2] = UInt8(0x30 + year / 10 % 10)
            out[3] = UInt8(0x30 + year % 10)
            return 4
        }
        out[0] = year < 0 ? 0x2D : 0x2B
        var magnitude = year.magnitude
        var digits: [UInt8] = []
        while magnitude > 0 || digits.count < 4 {
            digits.append(UInt8(0x30 + magnitude % 10))
            magnitude /= 10
        }
        for (index, digit) in digits.reversed().enumerated() { out[1 + index] = digit }
        return 1 + digits.count
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` for microseconds since the epoch, as a String.
    static func timestampText(micros: Int64) -> String {
        withBuffer { writeTimestamp(micros: micros, into: $0) }
    }

    /// Runs `write` on a scratch buffer and decodes what it wrote.
    static func withBuffer(_ write: (UnsafeMutablePointer<UInt8>) -> Int) -> String {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: maximumTimestampLength + 16)
        defer { buffer.deallocate() }
        let count = write(buffer)
        return String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
    }
}
