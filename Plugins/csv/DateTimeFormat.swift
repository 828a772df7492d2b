import ETLPluginKit

/// A strftime-style pattern for reading dates and timestamps, compiled once from a column's
/// `format`, e.g. `%d/%m/%Y %H:%M:%S`.
///
/// Directives: `%Y` (4-digit year), `%y` (2 digits: 69-99 → 19xx, 00-68 → 20xx), `%m`, `%d`,
/// `%e` (day, optionally space-padded), `%H`, `%I` with `%p` (AM/PM), `%M`, `%S` (1 or 2 digits
/// each), `%f` (1-9 fraction digits; digits below the microsecond are dropped because the
/// column holds microseconds), `%z` (`Z`, `+hh:mm`, `+hhmm` or `+hh`), `%b`/`%h`/`%B` (English
/// month names, full or abbreviated, any case), `%s` (seconds since the epoch), `%F`
/// (`%Y-%m-%d`), `%T` (`%H:%M:%S`) and `%%`. Every other character must appear as written, and
/// the whole value must match: `2024-01-05x` is not a `%Y-%m-%d`.
struct DateTimeFormat: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(UInt8)
        case year4, year2, month, day, spacePaddedDay, hour24, hour12, amPm, minute, second
        case fraction, zone, monthName, epochSeconds
    }

    /// The pattern as written, for messages.
    let pattern: String
    let tokens: [Token]

    /// The tokens that need a time of day; a date column's format may not use them.
    private static let timeTokens: Set<Token> = [.hour24, .hour12, .amPm, .minute, .second, .fraction, .zone]

    /// Compiles `pattern`.
    /// - Parameters:
    ///   - forDate: true for a date column, whose format may not read a time of day.
    ///   - path: the config path of the format, for messages.
    /// - Throws: `ETL_INVALID_CONFIG` for an unknown directive, a trailing `%`, `%I` without
    ///   `%p`, or a time directive in a date format.
    init(_ pattern: String, forDate: Bool, path: String) throws(PluginError) {
        self.pattern = pattern
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x25 else {  // '%'
                tokens.append(.literal(byte))
                index += 1
                continue
            }
            guard index + 1 < bytes.count else {
                throw .invalidConfig("\(path) \"\(pattern)\" ends with a lone %; write %% for a literal percent sign")
            }
            let directive = Character(UnicodeScalar(bytes[index + 1]))
            switch directive {
            case "Y": tokens.append(.year4)
            case "y": tokens.append(.year2)
            case "m": tokens.append(.month)
            case "d": tokens.append(.day)
            case "e": tokens.append(.spacePaddedDay)
            case "H": tokens.append(.hour24)
            case "I": tokens.append(.hour12)
            case "p": tokens.append(.amPm)
            case "M": tokens.append(.minute)
            case "S": tokens.append(.second)
            case "f": tokens.append(.fraction)
            case "z": tokens.append(.zone)
            case "b", "h", "B": tokens.append(.monthName)
            case "s": tokens.append(.epochSeconds)
            case "F": tokens += [.year4, .literal(0x2D), .month, .literal(0x2D), .day]
            case "T": tokens += [.hour24, .literal(0x3A), .minute, .literal(0x3A), .second]
            case "%": tokens.append(.literal(0x25))
            default:
                throw .invalidConfig("\(path) \"\(pattern)\" uses %\(directive), which the csv source does not know; use %Y %y %m %d %e %H %I %p %M %S %f %z %b %B %s %F %T or %%")
            }
            index += 2
        }
        if tokens.contains(.hour12) != tokens.contains(.amPm) {
            throw .invalidConfig("\(path) \"\(pattern)\" must use %I (12-hour clock) and %p (AM/PM) together; use %H for a 24-hour clock")
        }
        if forDate, tokens.contains(where: { Self.timeTokens.contains($0) }) {
            throw .invalidConfig("\(path) \"\(pattern)\" reads a time of day (%H, %I, %p, %M, %S, %f or %z), but the column is a date; declare it as \"timestamp\" or match the time as literal text")
        }
        self.tokens = tokens
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ].map { Array($0.utf8) }

    /// Reads `bytes` with the pattern; nil when they do not match it exactly.
    func parse(_ start: UnsafeRawPointer, _ count: Int) -> DateTimeParts? {
        var parts = DateTimeParts()
        var index = 0
        var pm: Bool?
        var hour12: Int?
        func byte(_ at: Int) -> UInt8 { start.load(fromByteOffset: at, as: UInt8.self) }
        func digits(min: Int, max: Int) -> Int? {
            var value = 0
            var taken = 0
            while taken < max && index < count, case let digit = byte(index) &- 0x30, digit < 10 {
                value = value * 10 + Int(digit)
                index += 1
                taken += 1
            }
            return taken >= min ? value : nil
        }
        for token in tokens {
            switch token {
            case .literal(let expected):
                guard index < count && byte(index) == expected else { return nil }
                index += 1
            case .year4:
                guard let year = digits(min: 4, max: 4) else { return nil }
                parts.year = year
            case .year2:
                guard let year = digits(min: 2, max: 2) else { return nil }
                parts.year = year < 69 ? 2000 + year : 1900 + year
            case .month:
                guard let month = digits(min: 1, max: 2) else { return nil }
                parts.month = month
            case .day:
                guard let day = digits(min: 1, max: 2) else { return nil }
                parts.day = day
            case .spacePaddedDay:
                if index < count && byte(index) == CSVDialect.space { index += 1 }
                guard let day = digits(min: 1, max: 2) else { return nil }
                parts.day = day
            case .hour24:
                guard let hour = digits(min: 1, max: 2) else { return nil }
                parts.hour = hour
            case .hour12:
                guard let hour = digits(min: 1, max: 2), hour >= 1 && hour <= 12 else { return nil }
                hour12 = hour
            case .amPm:
                guard index + 2 <= count, byte(index + 1) | 0x20 == 0x6D else { return nil }  // 'm'
                switch byte(index) | 0x20 {
                case 0x61: pm = false  // 'a'
                case 0x70: pm = true  // 'p'
                default: return nil
                }
                index += 2
            case .minute:
                guard let minute = digits(min: 1, max: 2) else { return nil }
                parts.minute = minute
            case .second:
                guard let second = digits(min: 1, max: 2) else { return nil }
                parts.second = second
            case .fraction:
                let first = index
                guard let fraction = digits(min: 1, max: 9) else { return nil }
                parts.microsecond = Self.microseconds(fraction: fraction, digits: index - first)
            case .zone:
                guard let offset = Self.zoneOffset(start, count, &index) else { return nil }
                parts.offsetSeconds = offset
            case .monthName:
                guard let month = monthName(start, count, &index) else { return nil }
                parts.month = month
            case .epochSeconds:
                var negative = false
                if index < count && byte(index) == 0x2D {
                    negative = true
                    index += 1
                }
                guard let seconds = digits(min: 1, max: 15) else { return nil }
                parts.epochSeconds = Int64(negative ? -seconds : seconds)
            }
        }
        guard index == count else { return nil }
        if let hour12, let pm { parts.hour = hour12 % 12 + (pm ? 12 : 0) }
        return parts
    }

    /// Microseconds of a fraction read as `digits` decimal digits (extra digits dropped).
    static func microseconds(fraction: Int, digits: Int) -> Int {
        var value = fraction
        var count = digits
        while count > 6 { value /= 10; count -= 1 }
        while count < 6 { value *= 10; count += 1 }
        return value
    }

    /// Reads `Z`, `+hh:mm`, `+hhmm` or `+hh` (or `-`) at `index`; the offset in seconds.
    static func zoneOffset(_ start: UnsafeRawPointer, _ count: Int, _ index: inout Int) -> Int? {
        func byte(_ at: Int) -> UInt8 { start.load(fromByteOffset: at, as: UInt8.self) }
        func twoDigits() -> Int? {
            guard index + 2 <= count else { return nil }
            let tens = byte(index) &- 0x30
            let ones = byte(index + 1) &- 0x30
            guard tens < 10 && ones < 10 else { return nil }
            index += 2
            return Int(tens) * 10 + Int(ones)
        }
        guard index < count else { return nil }
        let sign = byte(index)
        if sign == 0x5A || sign == 0x7A {  // 'Z' or 'z'
            index += 1
            return 0
        }
        guard sign == 0x2B || sign == 0x2D else { return nil }
        index += 1
        guard let hours = twoDigits(), hours <= 23 else { return nil }
        var minutes = 0
        if index < count && byte(index) == 0x3A {  // ':'
            index += 1
            guard let value = twoDigits() else { return nil }
            minutes = value
        } else if index < count, byte(index) &- 0x30 < 10 {
            guard let value = twoDigits() else { return nil }
            minutes = value
        }
        guard minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == 0x2D ? -seconds : seconds
    }

    private func monthName(_ start: UnsafeRawPointer, _ count: Int, _ index: inout Int) -> Int? {
        for (number, name) in Self.monthNames.enumerated() {
            // The full name first, so "March" is not read as "Mar" followed by "ch".
            for length in [name.count, 3] where index + length <= count {
                var matches = true
                for offset in 0..<length where start.load(fromByteOffset: index + offset, as: UInt8.self) | 0x20 != name[offset] {
                    matches = false
                    break
                }
                if matches {
                    index += length
                    return number + 1
                }
            }
        }
        return nil
    }
}
