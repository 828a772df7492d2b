/// Reads decimal text into an `ArrowDecimal` of a given precision and scale, digit by digit,
/// with no detour through `Double`: `1.234,56` (with `,` as the decimal mark and `.` as the
/// thousands separator) is exactly 123456 at scale 2.
///
/// Nothing is rounded or cut: a value with more non-zero digits after the point than the
/// scale, or more digits before it than precision − scale, is refused with a reason naming
/// the limit. Trailing zeros past the scale (`1.230` at scale 2) lose nothing and are accepted.
public struct ArrowDecimalParser: Sendable {
    /// Digits in all (1...38).
    public let precision: Int
    /// Digits after the point (0...precision).
    public let scale: Int
    /// The decimal mark (`.` unless given).
    public let decimalMark: Character
    /// A character ignored between digits (`.` or `,` or a space), or nil.
    public let thousandsSeparator: Character?

    /// Why a text is not a decimal of this shape; the caller names the value.
    public struct Failure: Error, Sendable, Equatable {
        /// The reason, e.g. `it has 3 digits after the point; decimal(12,2) keeps 2 (nothing is rounded)`.
        public let reason: String
    }

    /// A parser for `decimal(precision, scale)`; precision and scale must be within decimal128's
    /// limits (1...38, 0...precision).
    public init(precision: Int, scale: Int, decimalMark: Character = ".", thousandsSeparator: Character? = nil) {
        precondition((1...ArrowDecimal.maximumPrecision).contains(precision) && (0...precision).contains(scale),
                     "ArrowDecimalParser: decimal(\(precision),\(scale)) is outside decimal128")
        self.precision = precision
        self.scale = scale
        self.decimalMark = decimalMark
        self.thousandsSeparator = thousandsSeparator
    }

    private var typeName: String { "decimal(\(precision),\(scale))" }

    /// The value of `text`: an optional sign, digits with an optional decimal mark, and an
    /// optional exponent (`1.5e3`, as a double's shortest text may be written).
    public func parse(_ text: String) -> Result<ArrowDecimal, Failure> {
        var negative = false
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenMark = false
        var seenDigit = false
        var exponent = 0
        var index = text.startIndex
        if index < text.endIndex, text[index] == "-" || text[index] == "+" {
            negative = text[index] == "-"
            index = text.index(after: index)
        }
        while index < text.endIndex {
            let character = text[index]
            if let digit = character.asciiValue, digit >= 48, digit <= 57 {
                // Leading zeros carry no digit of the precision.
                if seenMark { fractionDigits.append(digit - 48) } else if !(integerDigits.isEmpty && digit == 48) { integerDigits.append(digit - 48) }
                seenDigit = true
            } else if character == decimalMark, !seenMark {
                seenMark = true
            } else if character == thousandsSeparator, !seenMark, seenDigit {
                // Ignored, as the double cast ignores it.
            } else if (character == "e" || character == "E"), seenDigit {
                guard let value = Int(text[text.index(after: index)...]), abs(value) <= 2 * ArrowDecimal.maximumPrecision else {
                    return .failure(Failure(reason: "it is not a decimal number (its exponent is not a small whole number)"))
                }
                exponent = value
                index = text.endIndex
                break
            } else {
                return .failure(notANumber(text))
            }
            index = text.index(after: index)
        }
        guard seenDigit else { return .failure(notANumber(text)) }
        // An exponent moves the point: 1.25e2 is 125, 5e-3 is 0.005.
        if exponent > 0 {
            let moved = min(exponent, fractionDigits.count)
            integerDigits += fractionDigits.prefix(moved)
            fractionDigits.removeFirst(moved)
            integerDigits += Array(repeating: 0, count: exponent - moved)
            while integerDigits.first == 0 { integerDigits.removeFirst() }
        } else if exponent < 0 {
            let moved = min(-exponent, integerDigits.count)
            fractionDigits = Array(integerDigits.suffix(moved)) + fractionDigits
            integerDigits.removeLast(moved)
            fractionDigits = Array(repeating: 0, count: -exponent - moved) + fractionDigits
        }
        while fractionDigits.count > scale, fractionDigits.last == 0 { fractionDigits.removeLast() }
        if fractionDigits.count > scale {
            let written = fractionDigits.count
            return .failure(Failure(reason: "it has \(written) digit\(written == 1 ? "" : "s") after the point; \(typeName) keeps \(scale) (nothing is rounded: widen the scale, or round() a double first)"))
        }
        if integerDigits.count > precision - scale {
            return .failure(Failure(reason: "it has \(integerDigits.count) digits before the point; \(typeName) holds at most \(precision - scale) (raise the precision, up to 38)"))
        }
        var unscaled: Int128 = 0
        for digit in integerDigits { unscaled = unscaled * 10 + Int128(digit) }
        for position in 0..<scale { unscaled = unscaled * 10 + Int128(position < fractionDigits.count ? fractionDigits[position] : 0) }
        return .success(ArrowDecimal(unscaled: negative ? -unscaled : unscaled, scale: scale))
    }

    /// An integer at this scale, refused when it has more digits than precision − scale allow.
    public func value(of integer: Int64) -> Result<ArrowDecimal, Failure> {
        let digits = integer == 0 ? 0 : String(integer.magnitude).count
        guard digits <= precision - scale else {
            return .failure(Failure(reason: "it has \(digits) digits; \(typeName) holds at most \(precision - scale) before the point (raise the precision, up to 38)"))
        }
        return .success(ArrowDecimal(unscaled: Int128(integer) * ArrowDecimal.powersOfTen[scale], scale: scale))
    }

    /// A double through its shortest decimal text (`0.1` is 0.1, not 0.1000000000000000055...):
    /// the digits a person sees when the double is printed, which is what they mean it to hold.
    public func value(of double: Double) -> Result<ArrowDecimal, Failure> {
        guard double.isFinite else { return .failure(Failure(reason: "it is not a finite number")) }
        return parse(double.description)
    }

    private func notANumber(_ text: String) -> Failure {
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            return Failure(reason: "it has surrounding spaces (add a trim step before the cast)")
        }
        return Failure(reason: "it is not a decimal number")
    }
}
