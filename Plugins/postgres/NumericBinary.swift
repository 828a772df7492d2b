/// PostgreSQL's binary `numeric` (numeric_send): int16 ndigits, int16 weight, int16 sign,
/// int16 dscale, then ndigits base-10000 digits, most significant first; `weight` is the
/// power of 10000 of the first digit. Zero groups at either end are left out.
enum NumericBinary {
    /// Appends the value `(negative ? -1 : 1) × decimalDigits × 10^-scale` as a COPY field
    /// (length + value). `decimalDigits` are the magnitude's decimal digits (0...9), most
    /// significant first; fewer than `scale` digits mean leading zeros after the point.
    static func appendField(decimalDigits: [UInt8], negative: Bool, scale: Int, to buffer: CopyBuffer) {
        // Integer digits, left-padded to whole groups of four; fraction digits right-padded.
        let integerCount = max(decimalDigits.count - scale, 0)
        var integerDigits = Array(decimalDigits.prefix(integerCount))
        var fractionDigits = Array(decimalDigits.suffix(decimalDigits.count - integerCount))
        if fractionDigits.count < scale { fractionDigits.insert(contentsOf: repeatElement(0, count: scale - fractionDigits.count), at: 0) }
        integerDigits.insert(contentsOf: repeatElement(0, count: (4 - integerDigits.count % 4) % 4), at: 0)
        fractionDigits.append(contentsOf: repeatElement(0, count: (4 - fractionDigits.count % 4) % 4))
        var groups: [Int16] = []
        groups.reserveCapacity((integerDigits.count + fractionDigits.count) / 4)
        for digits in [integerDigits, fractionDigits] {
            var index = 0
            while index < digits.count {
                let group = Int16(digits[index]) * 1000 + Int16(digits[index + 1]) * 100 + Int16(digits[index + 2]) * 10 + Int16(digits[index + 3])
                groups.append(group)
                index += 4
            }
        }
        var weight = integerDigits.count / 4 - 1
        var start = 0
        while start < groups.count && groups[start] == 0 {
            start += 1
            weight -= 1
        }
        var end = groups.count
        while end > start && groups[end - 1] == 0 { end -= 1 }
        let digits = groups[start..<end]
        if digits.isEmpty { weight = 0 }
        buffer.append(int32: Int32(8 + 2 * digits.count))
        buffer.append(int16: Int16(digits.count))
        buffer.append(int16: Int16(weight))
        buffer.append(int16: negative && !digits.isEmpty ? 0x4000 : 0)
        buffer.append(int16: Int16(scale))
        for digit in digits { buffer.append(int16: digit) }
    }

    /// An Int64 (scale 0), e.g. into a numeric column a user declared.
    static func appendField(_ value: Int64, to buffer: CopyBuffer) {
        appendField(unscaled: Int128(value), scale: 0, to: buffer)
    }

    /// A decimal128 value: `unscaled` × 10^-scale.
    static func appendField(unscaled: Int128, scale: Int, to buffer: CopyBuffer) {
        var magnitude = unscaled.magnitude
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        appendField(decimalDigits: digits.reversed(), negative: unscaled < 0, scale: scale, to: buffer)
    }
}
