/// How a timestamp was written, so a value computed from it (a watermark minus a lookback) can
/// be written the same way and still compare as text against the column it came from.
public struct ArrowTimestampStyle: Sendable, Equatable {
    /// False for a bare `YYYY-MM-DD`.
    public var hasTime = true
    /// `T`, `t` or a space between date and time.
    public var separator: UInt8 = 0x20
    /// Whether seconds were written (`HH:MM` alone is allowed).
    public var hasSeconds = true
    /// Digits after the decimal point, 0 when there was none.
    public var fractionDigits = 0
    /// The zone suffix as written: "", "Z", "+02:00", "+02", ...
    public var zoneSuffix = ""
    /// The suffix's offset from UTC in seconds (east positive).
    public var offsetSeconds: Int64 = 0

    public init() {}
}

/// The one reading and writing of ISO 8601 / RFC 3339 timestamps that every plugin shares
/// (csv columns, http fields and cursors, sqlite text columns and watermarks), so a value one
/// accepts the others accept too.
///
/// Accepted: `YYYY-MM-DD`; then optionally `T`, `t` or a space and `HH:MM`, optionally `:SS`,
/// optionally a fraction of 1–9 digits after `.` or `,`; then optionally `Z`, `z` or an offset
/// `±HH`, `±HH:MM` or `±HHMM`. Hours 00–23, minutes and seconds 00–59, real calendar dates. A
/// value without an offset is UTC; a date alone is its midnight UTC. Digits below the
/// microsecond are dropped. Anything else is refused rather than guessed.
public enum ArrowTimestampText {
    /// Microseconds since the epoch (UTC) and the style of `text`, or nil when it is not one of
    /// the accepted forms or names an impossible date or time.
    public static func parse(_ text: UnsafeRawBufferPointer) -> (micros: Int64, style: ArrowTimestampStyle)? {
        var reader = TimestampReader(bytes: text)
        guard let days = reader.date() else { return nil }
        var style = ArrowTimestampStyle()
        guard !reader.atEnd else {
            style.hasTime = false
            return (days * ArrowCivilTime.microsecondsPerDay, style)
        }
        guard let separator = reader.take(where: { $0 == 0x54 || $0 == 0x74 || $0 == 0x20 }) else { return nil }
        style.separator = separator
        guard let hour = reader.number(digits: 2), hour < 24, reader.take(0x3A),
              let minute = reader.number(digits: 2), minute < 60 else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if reader.take(0x3A) {
            guard let value = reader.number(digits: 2), value < 60 else { return nil }
            second = value
            if reader.take(0x2E) || reader.take(0x2C) {
                var digits = 0
                while let digit = reader.digit() {
                    digits += 1
                    guard digits <= 9 else { return nil }
                    if digits <= 6 { micros = micros * 10 + digit }
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 6) { micros *= 10 }
                style.fractionDigits = digits
            }
        } else {
            style.hasSeconds = false
        }
        let zoneStart = reader.position
        if reader.take(0x5A) || reader.take(0x7A) {
            style.offsetSeconds = 0
        } else if let sign = reader.take(where: { $0 == 0x2B || $0 == 0x2D }) {
            guard let offsetHours = reader.number(digits: 2), offsetHours < 24 else { return nil }
            var offsetMinutes: Int64 = 0
            if reader.take(0x3A) {
                guard let value = reader.number(digits: 2) else { return nil }
                offsetMinutes = value
            } else if !reader.atEnd {
                guard let value = reader.number(digits: 2) else { return nil }
                offsetMinutes = value
            }
            guard offsetMinutes < 60 else { return nil }
            let offset = offsetHours * 3600 + offsetMinutes * 60
            style.offsetSeconds = sign == 0x2D ? -offset : offset
        }
        style.zoneSuffix = String(decoding: UnsafeRawBufferPointer(rebasing: text[zoneStart..<reader.position]), as: UTF8.self)
        guard reader.atEnd else { return nil }
        let local = days * ArrowCivilTime.microsecondsPerDay
            + ((hour * 60 + minute) * 60 + second) * ArrowCivilTime.microsecondsPerSecond + micros
        return (local - style.offsetSeconds * ArrowCivilTime.microsecondsPerSecond, style)
    }

    /// `parse` on a Swift string.
    public static func parse(_ text: String) -> (micros: Int64, style: ArrowTimestampStyle)? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Days since the epoch of a bare `YYYY-MM-DD`, or nil.
    public static func parseDate(_ text: UnsafeRawBufferPointer) -> Int64? {
        var reader = TimestampReader(bytes: text)
        guard let days = reader.date(), reader.atEnd else { return nil }
        return days
    }

    // The writers below are sinks' hot path: no allocation.

    /// Longest text `writeTimestamp` produces: a sign, six year digits, and the rest.
    public static let maximumTimestampLength = 32

    /// Writes `YYYY-MM-DD` for `days` since the epoch at `out` and returns the byte count.
    /// Years outside 0...9999 get a sign and as many digits as needed (ISO 8601 expanded form).
    @inlinable
    public static func writeDate(days: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day) = ArrowCivilTime.civilFromDays(days)
        var at = writeYear(year, into: out)
        out[at] = 0x2D
        writeTwoDigits(month, into: out + at + 1)
        out[at + 3] = 0x2D
        writeTwoDigits(day, into: out + at + 4)
        at += 6
        return at
    }

    /// Writes `YYYY-MM-DD HH:MM:SS.ffffff` (UTC; `separator` between date and time, and
    /// `fractionDigits` digits after the point, none when 0) for microseconds since the epoch at
    /// `out` and returns the byte count. `out` must hold `maximumTimestampLength` bytes.
    @inlinable
    public static func writeTimestamp(
        micros: Int64, into out: UnsafeMutablePointer<UInt8>, separator: UInt8 = 0x20, fractionDigits: Int = 6
    ) -> Int {
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

    /// Writes `micros` (UTC) the way `style` describes (its offset, separator, precision).
    public static func format(micros: Int64, style: ArrowTimestampStyle) -> String {
        let local = micros + style.offsetSeconds * ArrowCivilTime.microsecondsPerSecond
        guard style.hasTime else {
            let days = ArrowCivilTime.splitTimestamp(microseconds: local).days
            return withBuffer { writeDate(days: days, into: $0) }
        }
        var text = withBuffer {
            writeTimestamp(micros: local, into: $0, separator: style.separator, fractionDigits: style.fractionDigits)
        }
        if !style.hasSeconds {
            // Drop ":SS" (and there is no fraction without seconds).
            text = String(decoding: text.utf8.dropLast(3), as: UTF8.self)
        }
        return text + style.zoneSuffix
    }

    /// `2024-01-01T00:00:00Z`, with `.ffffff` only when there are microseconds: what APIs expect.
    public static func rfc3339(micros: Int64) -> String {
        var style = ArrowTimestampStyle()
        style.separator = 0x54
        style.zoneSuffix = "Z"
        style.fractionDigits = ArrowCivilTime.splitTimestamp(microseconds: micros).microsecondOfDay % 1_000_000 == 0 ? 0 : 6
        return format(micros: micros, style: style)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` for microseconds since the epoch, as a String.
    public static func text(micros: Int64) -> String {
        withBuffer { writeTimestamp(micros: micros, into: $0) }
    }

    /// Runs `write` on a scratch buffer and decodes what it wrote.
    public static func withBuffer(_ write: (UnsafeMutablePointer<UInt8>) -> Int) -> String {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: maximumTimestampLength + 16)
        defer { buffer.deallocate() }
        let count = write(buffer)
        return String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
    }

    @inlinable
    static func writeTwoDigits(_ value: Int64, into out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(0x30 + value / 10)
        out[1] = UInt8(0x30 + value % 10)
    }

    @inlinable
    static func writeYear(_ year: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if year >= 0 && year <= 9999 {
            out[0] = UInt8(0x30 + year / 1000)
            out[1] = UInt8(0x30 + year / 100 % 10)
            out[2] = UInt8(0x30 + year / 10 % 10)
            out[3] = UInt8(0x30 + year % 10)
            return 4
        }
        out[0] = year < 0 ? 0x2D : 0x2B
        var magnitude = year.magnitude
        var count = 0
        // At most 19 digits; written backwards into place once counted.
        var scratch = magnitude
        repeat {
            count += 1
            scratch /= 10
        } while scratch > 0
        count = max(count, 4)
        for index in stride(from: count, through: 1, by: -1) {
            out[index] = UInt8(0x30 + magnitude % 10)
            magnitude /= 10
        }
        return 1 + count
    }
}

/// Reads digits and punctuation from the front of a byte buffer.
private struct TimestampReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var atEnd: Bool { position == bytes.count }

    mutating func digit() -> Int64? {
        guard position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 else { return nil }
        defer { position += 1 }
        return Int64(bytes[position] - 0x30)
    }

    mutating func number(digits: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<digits {
            guard let next = digit() else { return nil }
            value = value * 10 + next
        }
        return value
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func take(where matches: (UInt8) -> Bool) -> UInt8? {
        guard position < bytes.count, matches(bytes[position]) else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// `YYYY-MM-DD` (four-digit year) as days since the epoch, checked against the calendar.
    mutating func date() -> Int64? {
        guard let year = number(digits: 4), take(0x2D), let month = number(digits: 2), take(0x2D),
              let day = number(digits: 2), ArrowCivilTime.isValidDate(year: year, month: month, day: day) else { return nil }
        return ArrowCivilTime.daysFromCivil(year: year, month: month, day: day)
    }
}
