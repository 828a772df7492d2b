import ETLArrow

/// Dates and times as text, without Foundation: the sink writes Arrow timestamps and dates as
/// `YYYY-MM-DD HH:MM:SS.ffffff` / `YYYY-MM-DD` (UTC), which SQLite's date functions read and
/// which sort correctly as text. The calendar arithmetic behind it is ETLArrow's
/// `ArrowCivilTime`; only the text layout lives here.
enum CivilTime {
    // The writers below are the sink's hot path: no allocation.

    /// Longest text `writeTimestamp` produces: a sign, six year digits, and the rest.
    static let maximumTimestampLength = 32

    /// Writes `YYYY-MM-DD` for `days` since the epoch at `out` and returns the byte count.
    /// Years outside 0...9999 get a sign and as many digits as needed (ISO 8601 expanded form).
    @inline(__always)
    static func writeDate(days: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day) = ArrowCivilTime.civilFromDays(days)
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
        let (days, microsecondOfDay) = ArrowCivilTime.splitTimestamp(microseconds: micros)
        let time = ArrowCivilTime.timeOfDay(microsecondOfDay: microsecondOfDay)
        var at = writeDate(days: days, into: out)
        out[at] = separator
        writeTwoDigits(time.hour, into: out + at + 1)
        out[at + 3] = 0x3A
        writeTwoDigits(time.minute, into: out + at + 4)
        out[at + 6] = 0x3A
        writeTwoDigits(time.second, into: out + at + 7)
        at += 9
        if fractionDigits > 0 {
            out[at] = 0x2E
            // Six digits always fit (the buffer holds nine); fewer digits just stop short, and
            // digits beyond six are zeros since the value only has microseconds.
            var fraction = time.microsecond
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
