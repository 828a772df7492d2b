/// Converts a scanned value straight from the page bytes for the common cases — null, plain
/// integers, short decimals, booleans and strings without escapes — with no `JSONValue` or
/// `String` in between. Each case gives exactly the cell `RecordConverter.convert` would give
/// for the parsed value; anything else returns nil and the caller converts it that way.
enum ScannedCellConversion {
    /// The cell for `bytes[start..<end]`, one JSON value the scan checked, or nil when the
    /// general conversion must decide.
    @inline(__always)
    static func cell(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, type: ColumnType,
                     format: WatermarkFormat? = nil) -> Cell? {
        let first = bytes[start]
        if first == UInt8(ascii: "n") { return .null }
        switch type {
        case .text:
            guard first == UInt8(ascii: "\"") else { return nil }
            for index in start + 1..<end - 1 where bytes[index] == UInt8(ascii: "\\") { return nil }
            return .bodyText(start: start + 1, end: end - 1)
        case .int64:
            return integer(bytes, from: start, to: end).map { .int64($0) }
        case .double:
            return decimal(bytes, from: start, to: end).map { .double($0) }
        case .bool:
            if first == UInt8(ascii: "t") { return .bool(true) }
            if first == UInt8(ascii: "f") { return .bool(false) }
            return nil
        case .timestamp, .date:
            return epoch(bytes, from: start, to: end, type: type, format: format)
        case .json:
            return nil
        }
    }

    /// An epoch timestamp or date written as plain digits, bare or quoted; nil for anything
    /// else (ISO 8601 text, fractions, exponents), which the general conversion reads.
    @inline(__always)
    private static func epoch(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, type: ColumnType,
                              format: WatermarkFormat?) -> Cell? {
        guard let format, format != .iso8601 else { return nil }
        let quoted = bytes[start] == UInt8(ascii: "\"")
        guard end - start > (quoted ? 2 : 0),
              let whole = quoted ? integer(bytes, from: start + 1, to: end - 1) : integer(bytes, from: start, to: end),
              let micros = EpochTime.microseconds(whole: whole, unit: format) else { return nil }
        if type == .timestamp { return .timestamp(micros) }
        return EpochTime.day(microseconds: micros).map { .date($0) }
    }

    /// `-?[0-9]{1,18}` as an integer (18 digits never overflow); nil for any other text.
    @inline(__always)
    static func integer(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int64? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < end, end - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// `-?[0-9]+(.[0-9]+)?` with at most 15 digits in all, as the correctly rounded double:
    /// such a mantissa and its power of ten are both exact doubles, so one IEEE division rounds
    /// correctly (Clinger's fast path), the same double `strtod` gives. Nil for any other text.
    @inline(__always)
    static func decimal(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Double? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                mantissa = mantissa * 10 + Int64(digit)
                digits += 1
                if inFraction { fractionDigits += 1 }
                guard digits <= 15 else { return nil }
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// 10⁰ … 10¹⁵, each exact as a double.
    private static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
}
