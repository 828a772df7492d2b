/// A JSON number that keeps the exact text it was written with.
///
/// Keeping the literal means `1630` stays an integer, a 19-digit id is not
/// rounded through a `Double`, and a value written back out is byte-for-byte
/// what the user wrote.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written, valid RFC 8259 number syntax.
    public let text: String

    /// Creates a number from JSON number text; nil when the text is not a valid JSON number.
    public init?(text: String) {
        guard JSONNumber.isValidSyntax(text) else { return nil }
        self.text = text
    }

    /// Creates a number from an integer.
    public init(_ value: Int64) {
        self.text = String(value)
    }

    /// Creates a number from an integer.
    public init(_ value: Int) {
        self.text = String(value)
    }

    /// Creates a number from a double; nil for NaN and infinities, which JSON cannot express.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
            // Integral doubles print as "3.0" in Swift; JSON readers prefer "3".
            self.text = String(Int64(value))
        } else {
            self.text = "\(value)"
        }
    }

    /// Used by the parser, which has already checked the syntax.
    init(validatedText: String) {
        self.text = validatedText
    }

    /// True when the literal has neither a fraction nor an exponent (`12`, `-3`).
    public var isIntegerLiteral: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as a 64-bit integer, when it is integral and fits.
    ///
    /// Integer literals are converted exactly; `1.0` or `1e3` also count, as JSON
    /// Schema says they are integers, when the double is exact (below 2^53).
    public var int64Value: Int64? {
        if isIntegerLiteral { return Int64(text) }
        let double = doubleValue
        guard double == double.rounded(), abs(double) < 9.007_199_254_740_992e15 else { return nil }
        return Int64(double)
    }

    /// The value as a double (rounded when the literal has more precision).
    public var doubleValue: Double {
        Double(text) ?? .nan
    }

    /// True when the value is a whole number (JSON Schema's "integer"), however written.
    public var isIntegral: Bool {
        if isIntegerLiteral { return true }
        let double = doubleValue
        return double.isFinite && double == double.rounded()
    }

    /// The literal text.
    public var description: String { text }

    /// Numeric equality: `1`, `1.0` and `1e0` are equal.
    ///
    /// Two integers that fit in 64 bits compare exactly; anything else compares as
    /// doubles, so integers beyond 2^53 written with an exponent may compare equal
    /// to a neighbour. JSON gives no better promise.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        if let left = lhs.int64Value, let right = rhs.int64Value { return left == right }
        return lhs.doubleValue == rhs.doubleValue
    }

    /// Hashes the double value, so numerically equal numbers hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(doubleValue)
    }

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    static func isValidSyntax(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        return index == bytes.count
    }
}
