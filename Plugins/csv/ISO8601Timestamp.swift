/// The default reading of a `timestamp` column without a `format`: ISO 8601 / RFC 3339.
///
/// Accepted: `YYYY-MM-DD`, then optionally `T`, `t` or a space and `hh:mm`, optionally `:ss`,
/// optionally a fraction of 1-9 digits after `.` or `,`, then optionally `Z` or an offset
/// (`+hh:mm`, `+hhmm`, `+hh`). A value without an offset is taken as UTC; a date alone is its
/// midnight UTC. Digits below the microsecond are dropped.
enum ISO8601Timestamp {
    /// Microseconds since the epoch (UTC), or nil when `bytes` are not such a timestamp.
    static func microseconds(_ start: UnsafeRawPointer, _ count: Int) -> Int64? {
        var index = 0
        func byte(_ at: Int) -> UInt8 { start.load(fromByteOffset: at, as: UInt8.self) }
        func number(_ width: Int) -> Int? {
            guard index + width <= count else { return nil }
            var value = 0
            for offset in 0..<width {
                let digit = byte(index + offset) &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            index += width
            return value
        }
        func expect(_ expected: UInt8) -> Bool {
            guard index < count && byte(index) == expected else { return false }
            index += 1
            return true
        }
        var parts = DateTimeParts()
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2) else { return nil }
        parts.year = year
        parts.month = month
        parts.day = day
        if index < count {
            let separator = byte(index)
            guard separator == 0x54 || separator == 0x74 || separator == 0x20 else { return nil }  // T t space
            index += 1
            guard let hour = number(2), expect(0x3A), let minute = number(2) else { return nil }
            parts.hour = hour
            parts.minute = minute
            if index < count && byte(index) == 0x3A {
                index += 1
                guard let second = number(2) else { return nil }
                parts.second = second
                if index < count && (byte(index) == 0x2E || byte(index) == 0x2C) {  // . or ,
                    index += 1
                    var fraction = 0
                    var digits = 0
                    while index < count, case let digit = byte(index) &- 0x30, digit < 10 {
                        guard digits < 9 else { return nil }
                        fraction = fraction * 10 + Int(digit)
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    parts.microsecond = DateTimeFormat.microseconds(fraction: fraction, digits: digits)
                }
            }
            if index < count {
                guard let offset = DateTimeFormat.zoneOffset(start, count, &index) else { return nil }
                parts.offsetSeconds = offset
            }
        }
        guard index == count else { return nil }
        return parts.microsecondsSinceEpoch()
    }
}
