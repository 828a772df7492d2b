import ETLArrow

/// ISO 8601 timestamps as the APIs write them: `2024-01-01T00:00:00Z`, with optional fraction
/// and `±HH:MM` offset (no offset means UTC), and a bare date `2024-01-01` (midnight UTC).
enum ISOTimestamp {
    /// Microseconds since the Unix epoch, or nil when `text` is not such a timestamp.
    static func microseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ char: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == char else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              ArrowCivilTime.isValidDate(year: year, month: month, day: day) else { return nil }
        let days = ArrowCivilTime.daysFromCivil(year: year, month: month, day: day)
        if index == bytes.count { return days * ArrowCivilTime.microsecondsPerDay }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 else { return nil }
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60 else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if expect(58) {
            guard let value = number(2), value < 61 else { return nil }
            second = value
            if expect(46) || expect(44) {
                var digits = 0
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    if digits < 6 { micros = micros * 10 + Int64(bytes[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 6) { micros *= 10 }
            }
        }
        var offsetSeconds: Int64 = 0
        if expect(90) || expect(122) {
            // UTC
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign: Int64 = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = expect(58)
            guard let minutes = number(2) else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// `2024-01-01T00:00:00Z` (with `.ffffff` only when there are microseconds).
    static func format(microseconds: Int64) -> String {
        let (days, ofDay) = ArrowCivilTime.splitTimestamp(microseconds: microseconds)
        let date = ArrowCivilTime.civilFromDays(days)
        let time = ArrowCivilTime.timeOfDay(microsecondOfDay: ofDay)
        func two(_ value: Int64) -> String { String(value).leftPadded(to: 2) }
        var text = "\(String(date.year).leftPadded(to: 4))-\(two(date.month))-\(two(date.day))T\(two(time.hour)):\(two(time.minute)):\(two(time.second))"
        if time.microsecond != 0 { text += "." + String(time.microsecond).leftPadded(to: 6) }
        return text + "Z"
    }
}
