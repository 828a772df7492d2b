/// One exact decimal value of a `decimal128` column: an integer of up to 38 digits (the
/// "unscaled" value) and a scale, the value being unscaled × 10^-scale, so 1234.56 at scale 2
/// is 123456. Arithmetic on money or quantities needs this exactness: a double cannot hold
/// 0.1, and sums of doubles drift.
///
/// The unscaled value is kept as the two little-endian 64-bit words Arrow stores (rather than
/// one `Int128`, whose 16-byte alignment would grow every enum that carries a value).
public struct ArrowDecimal: Sendable, Hashable {
    /// Most digits a decimal128 holds: 10^38 - 1 is the largest power-of-ten bound below 2^127.
    public static let maximumPrecision = 38

    /// Low 64 bits of the unscaled value (two's complement).
    public var low: UInt64
    /// High 64 bits of the unscaled value (two's complement, so its sign is the value's).
    public var high: Int64
    /// Digits after the point, 0...38.
    public var scale: Int8

    /// A value from its unscaled integer and scale.
    public init(unscaled: Int128, scale: Int) {
        low = UInt64(truncatingIfNeeded: unscaled)
        high = Int64(truncatingIfNeeded: unscaled >> 64)
        self.scale = Int8(truncatingIfNeeded: scale)
    }

    /// The value × 10^scale, an integer.
    public var unscaled: Int128 { Int128(high) << 64 | Int128(low) }

    /// 10^0 ... 10^38.
    public static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 0..<maximumPrecision { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// Whether the value has at most `precision` digits in all (its unscaled value is below 10^precision).
    public func fits(precision: Int) -> Bool {
        let value = unscaled
        let bound = Self.powersOfTen[precision]
        return value < bound && value > -bound
    }

    /// The same value at a larger or equal scale (1.5 → 1.50); nil when it would exceed 38 digits.
    /// A smaller scale is never produced here: that would drop digits.
    public func rescaled(to newScale: Int) -> ArrowDecimal? {
        let current = Int(scale)
        guard newScale >= current, newScale <= Self.maximumPrecision else { return nil }
        let (product, overflow) = unscaled.multipliedReportingOverflow(by: Self.powersOfTen[newScale - current])
        guard !overflow, product < Self.powersOfTen[Self.maximumPrecision], product > -Self.powersOfTen[Self.maximumPrecision] else { return nil }
        return ArrowDecimal(unscaled: product, scale: newScale)
    }

    /// The exact digits with a point before the last `scale` of them: `-1234.56`, `0.05`, `12`
    /// (scale 0). Never an exponent, never a rounded digit.
    public var text: String {
        let value = unscaled
        var digits = String(value.magnitude)
        let scale = Int(self.scale)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return value < 0 ? "-" + digits : digits
    }

    /// The nearest double (correctly rounded from the exact digits).
    public var doubleValue: Double { Double(text)! }

    /// Orders two decimals of any scales exactly: -1, 0 or 1.
    public static func compare(_ left: ArrowDecimal, _ right: ArrowDecimal) -> Int {
        var a = left.unscaled, b = right.unscaled
        // Bring both to the larger scale; a side that would overflow 128 bits is, having at most
        // 38 digits at a smaller scale, larger in magnitude than anything the other side holds.
        if left.scale < right.scale {
            let (scaled, overflow) = a.multipliedReportingOverflow(by: powersOfTen[Int(right.scale - left.scale)])
            if overflow { return a < 0 ? -1 : 1 }
            a = scaled
        } else if right.scale < left.scale {
            let (scaled, overflow) = b.multipliedReportingOverflow(by: powersOfTen[Int(left.scale - right.scale)])
            if overflow { return b < 0 ? 1 : -1 }
            b = scaled
        }
        return a < b ? -1 : (a == b ? 0 : 1)
    }
}
