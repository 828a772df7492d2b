import ETLArrow

/// How a timestamp was written, so arithmetic on it (lookback) can write the result the same way
/// and keep text comparisons against the column meaningful.
struct TimestampStyle: Sendable, Equatable {
    /// False for a bare `YYYY-MM-DD`.
    var hasTime = true
    /// `T` or a space between date and time.
    var separator: UInt8 = 0x20
    /// Whether seconds were written (`HH:MM` alone is allowed).
    var hasSeconds = true
    /// Digits after the decimal point, 0 when there was none.
    var fractionDigits = 0
    /// The zone suffix as written: "", "Z", "+02:00", ...
    var zoneSuffix = ""
    /// The suffix's offset from UTC.
    var offsetSeconds: Int64 = 0
}

/// Parses the ISO 8601 / SQLite timestamp and date forms: `YYYY-MM-DD`, then optionally `T` or a
/// space, `HH:MM`, `:SS`, `.fraction` (up to 9 digits, kept to microseconds), and `Z` or
/// `±HH:MM` / `±HHMM`. Anything else is refused rather than guessed.
enum TimestampText {
    /// Microseconds since the epoch (UTC) and the style of `text`, or nil when it is not one of
    /// the accepted forms or names an impossible date or time.
    static func parse(_ text: UnsafeRawBufferPointer) -> (micros: Int64, style: TimestampStyle)? {
        var reader = DigitReader(bytes: text)
        guard let days = reader.date() else { return nil }
        var style = TimestampStyle()
        guard !reader.atEnd else {
            style.hasTime = false
            return (days * ArrowCivilTime.microsecondsPerDay, style)
        }
        guard let separator = reader.take(where: { $0 == 0x54 || $0 == 0x20 || $0 == 0x74 }) else { return nil }
        style.separator = separator
        guard let hour = reader.number(digits: 2), hour < 24, reader.take(0x3A),
              let minute = reader.number(digits: 2), minute < 60 else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if reader.take(0x3A) {
            guard let value = reader.number(digits: 2), value < 60 else { return nil }
            second = value
            if reader.take(0x2E) {
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
            _ = reader.take(0x3A)
            guard let offsetMinutes = reader.number(digits: 2), offsetMinutes < 60 else { return nil }
            let offset = offsetHours * 3600 + offsetMinutes * 60
            style.offsetSeconds = sign == 0x2D ? -offset : offset
        }
        style.zoneSuffix = String(decoding: UnsafeRawBufferPointer(rebasing: text[zoneStart..<reader.position]), as: UTF8.self)
        guard reader.atEnd else { return nil }
        let local = days * ArrowCivilTime.microsecondsPerDay + ((hour * 60 + minute) * 60 + second) * ArrowCivilTime.microsecondsPerSecond + micros
        return (local - style.offsetSeconds * ArrowCivilTime.microsecondsPerSecond, style)
    }

    /// Days since the epoch of a bare `YYYY-MM-DD`, or nil.
    static func parseDate(_ text: UnsafeRawBufferPointer) -> Int64? {
        var reader = DigitReader(bytes: text)
        guard let days = reader.date(), reader.atEnd else { return nil }
        return days
    }

    /// `parse` on a Swift string.
    static func parse(_ text: String) -> (micros: Int64, style: TimestampStyle)? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `micros` (UTC) the way `style` describes.
    static func format(micros: Int64, style: TimestampStyle) -> String {
        let local = micros + style.offsetSeconds * ArrowCivilTime.microsecondsPerSecond
        guard style.hasTime else {
            let days = ArrowCivilTime.splitTimestamp(microseconds: local).days
            return CivilTime.withBuffer { CivilTime.writeDate(days: days, into: $0) }
        }
        var text = CivilTime.withBuffer {
            CivilTime.writeTimestamp(micros: local, into: $0, separator: style.separator, fractionDigits: style.fractionDigits)
        }
        if !style.hasSeconds {
            // Drop ":SS" (and there is no fraction without seconds).
            text = String(decoding: text.utf8.dropLast(3), as: UTF8.self)
        }
        return text + style.zoneSuffix
    }
}

/// Reads digits and punctuation from the front of a byte buffer.
private struct DigitReader {
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
