/// Integers and doubles read straight from bytes, without building a `String`.
///
/// Both accept only plain decimal text: an optional sign, digits, and for doubles a fraction
/// and an exponent. Anything else (blanks, thousands separators, hex) is not a number, so a
/// bad value is rejected instead of read as something it is not.
enum NumberParser {
    /// The int64 written in `bytes`, or nil when they are not one (or it does not fit).
    @inline(__always)
    static func int64(_ start: UnsafeRawPointer, _ count: Int) -> Int64? {
        guard count > 0 else { return nil }
        var index = 0
        let first = start.load(as: UInt8.self)
        let negative = first == 0x2D  // '-'
        if negative || first == 0x2B { index = 1 }  // '+'
        let digits = count &- index
        guard digits > 0 else { return nil }
        var value: UInt64 = 0
        if digits <= 18 {
            // Cannot overflow: 18 digits stay below 10^18 < 2^63.
            while index < count {
                let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
                guard digit < 10 else { return nil }
                value = value &* 10 &+ UInt64(digit)
                index &+= 1
            }
            return negative ? -Int64(value) : Int64(value)
        }
        while index < count {
            let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index &+= 1
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
        }
        guard value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The double written in `bytes`: decimal with optional fraction and exponent, or `nan`,
    /// `inf`, `infinity` (any case, with a sign). Nil for anything else.
    static func double(_ start: UnsafeRawPointer, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        func byte(_ at: Int) -> UInt8 { start.load(fromByteOffset: at, as: UInt8.self) }
        var index = 0
        var negative = false
        if byte(0) == 0x2D || byte(0) == 0x2B {
            negative = byte(0) == 0x2D
            index = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var digitsSeen = 0
        var exponent = 0
        while index < count, case let digit = byte(index) &- 0x30, digit < 10 {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
            }
            digitsSeen += 1
            index += 1
        }
        if index < count && byte(index) == 0x2E {  // '.'
            index += 1
            while index < count, case let digit = byte(index) &- 0x30, digit < 10 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                }
                digitsSeen += 1
                index += 1
            }
        }
        guard digitsSeen > 0 else { return special(start, count) }
        if index < count && (byte(index) | 0x20) == 0x65 {  // 'e' or 'E'
            index += 1
            var exponentNegative = false
            if index < count && (byte(index) == 0x2D || byte(index) == 0x2B) {
                exponentNegative = byte(index) == 0x2D
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < count, case let digit = byte(index) &- 0x30, digit < 10 {
                if written < 100_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == count else { return nil }
        // Clinger's fast path: a mantissa below 2^53 times an exact power of ten is one
        // correctly rounded IEEE operation.
        if significant <= 15 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -value : value
        }
        // Rare long or extreme literals: the standard library's correctly rounded conversion,
        // which never depends on the process locale. The syntax was checked above.
        let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
        return Double(text)
    }

    private static func special(_ start: UnsafeRawPointer, _ count: Int) -> Double? {
        var text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self).lowercased()
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("+") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        }
        switch text {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }
}
