import Foundation
import ETLArrow

/// One `cast` column: converts values of one Arrow type to another, or says why a value
/// cannot be converted (the row then goes to etl_rejects; nothing is coerced).
struct CastConversion {
    let from: ArrowColumnType
    let cast: ColumnCast
    private let pattern: [TimePattern.Piece]?
    /// Reads text, integers and doubles into the cast's decimal (decimal casts only).
    private let decimalParser: ArrowDecimalParser?

    /// The Arrow type a cast produces.
    static func arrowType(_ cast: ColumnCast) -> ArrowColumnType {
        switch cast.type {
        case .string: return .utf8
        case .int64: return .int64
        case .double: return .double
        case .bool: return .bool
        case .date: return .date32
        case .timestamp: return .timestampMicrosecondsUTC
        case .decimal:
            let digits = cast.digits ?? DecimalDigits(precision: DecimalDigits.defaultPrecision, scale: 0)
            return .decimal128(precision: digits.precision, scale: digits.scale)
        }
    }

    static let epochFormats = ["epoch_s", "epoch_ms"]

    /// Checks that `from` can become the cast's type with its options; the message says how to fix it.
    init(from: ArrowColumnType, cast: ColumnCast) throws(ExpressionError) {
        self.from = from
        self.cast = cast
        let to = Self.arrowType(cast)
        if case .decimal128(let precision, let scale) = to {
            decimalParser = ArrowDecimalParser(
                precision: precision, scale: scale, decimalMark: cast.decimalMark?.first ?? ".", thousandsSeparator: cast.thousandsSeparator?.first)
        } else {
            decimalParser = nil
        }
        if let format = cast.format, !Self.epochFormats.contains(format) {
            guard from == .utf8 else {
                throw ExpressionError(at: 1, "a \"format\" reads text, but the column is \(from.expressionName)")
            }
            do {
                pattern = try TimePattern.parse(format)
            } catch {
                throw ExpressionError(at: 1, "\"format\" at character \(error.position): \(error.message)")
            }
        } else {
            pattern = nil
        }
        if cast.format.map(Self.epochFormats.contains) == true, !(from == .utf8 || from == .int64 || from == .double) {
            throw ExpressionError(at: 1, "\"format\": \"\(cast.format!)\" reads numbers, but the column is \(from.expressionName)")
        }
        if (cast.decimalMark != nil || cast.thousandsSeparator != nil), from != .utf8 {
            throw ExpressionError(at: 1, "\"decimal\" and \"thousands\" read text, but the column is \(from.expressionName)")
        }
        let supported: Bool
        switch (from, to) {
        case (_, .utf8), (.utf8, _), (.null, _): supported = true
        case (.int64, .double), (.double, .int64), (.bool, .int64), (.int64, .bool): supported = true
        case (.timestampMicrosecondsUTC, .date32), (.date32, .timestampMicrosecondsUTC): supported = true
        case (.int64, .decimal128), (.double, .decimal128), (.decimal128, .decimal128), (.decimal128, .int64), (.decimal128, .double): supported = true
        case (.int64, .timestampMicrosecondsUTC), (.int64, .date32), (.double, .timestampMicrosecondsUTC):
            supported = cast.format.map(Self.epochFormats.contains) == true
            if !supported {
                throw ExpressionError(at: 1, "a number becomes a \(cast.type.rawValue) only with \"format\": \"epoch_s\" or \"epoch_ms\"")
            }
        default: supported = from == to
        }
        guard supported else {
            throw ExpressionError(at: 1, "cannot cast \(from.expressionName) to \(cast.typeName)")
        }
    }

    /// The converted value, or why it cannot be converted.
    func convert(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        if value.isNull { return .success(.null) }
        switch cast.type {
        case .string: return .success(.text(value.text ?? ""))
        case .int64: return integer(value)
        case .double: return double(value)
        case .bool: return boolean(value)
        case .date, .timestamp: return time(value)
        case .decimal: return decimal(value)
        }
    }

    struct CastFailure: Error { let reason: String }

    private func fail(_ reason: String) -> Result<TransformValue, CastFailure> { .failure(CastFailure(reason: reason)) }

    /// Text with the entry's thousands separator removed and its decimal mark made a point.
    private func normalizedNumber(_ text: String) -> String {
        var text = text
        if let separator = cast.thousandsSeparator { text = text.replacingOccurrences(of: separator, with: "") }
        if let mark = cast.decimalMark { text = text.replacingOccurrences(of: mark, with: ".") }
        return text
    }

    private func integer(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        switch value {
        case .int: return .success(value)
        case .bool(let bool): return .success(.int(bool ? 1 : 0))
        case .decimal(let decimal):
            let (whole, fraction) = decimal.unscaled.quotientAndRemainder(dividingBy: ArrowDecimal.powersOfTen[Int(decimal.scale)])
            guard fraction == 0, let int = Int64(exactly: whole) else { return fail("it is not a whole number in int64 range") }
            return .success(.int(int))
        case .double(let double):
            guard double == double.rounded(), let int = Int64(exactly: double) else { return fail("it is not a whole number in int64 range") }
            return .success(.int(int))
        case .text(let text):
            if let int = Int64(normalizedNumber(text)) { return .success(.int(int)) }
            if let double = Double(normalizedNumber(text)), double.isFinite, double == double.rounded(), let int = Int64(exactly: double) {
                return .success(.int(int))
            }
            return fail(text.trimmingCharacters(in: .whitespaces) != text ? "it has surrounding spaces (add a trim step before the cast)" : "it is not a whole number\(hint)")
        default: return fail("unsupported")
        }
    }

    private func double(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        switch value {
        case .double: return .success(value)
        case .int(let int): return .success(.double(Double(int)))
        case .decimal(let decimal): return .success(.double(decimal.doubleValue))
        case .text(let text):
            let normalized = normalizedNumber(text)
            // Swift's Double(_:) also reads "nan", "inf" and hex floats; data files mean none of those.
            guard normalized.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let double = Double(normalized) else {
                return fail(text.trimmingCharacters(in: .whitespaces) != text ? "it has surrounding spaces (add a trim step before the cast)" : "it is not a number\(hint)")
            }
            return .success(.double(double))
        default: return fail("unsupported")
        }
    }

    private var hint: String {
        guard cast.decimalMark == nil && cast.thousandsSeparator == nil else { return "" }
        let digits = cast.digits.map { ", \"precision\": \($0.precision), \"scale\": \($0.scale)" } ?? ""
        return " (for 1.234,56 write {\"type\": \"\(cast.type.rawValue)\"\(digits), \"decimal\": \",\", \"thousands\": \".\"})"
    }

    /// Text read digit by digit, integers and decimals exactly, doubles through their shortest
    /// text; a value needing more digits than the cast keeps is refused, never rounded.
    private func decimal(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        let parser = decimalParser!
        let parsed: Result<ArrowDecimal, ArrowDecimalParser.Failure>
        switch value {
        case .text(let text):
            parsed = parser.parse(text)
            if case .failure(let failure) = parsed, failure.reason == "it is not a decimal number" { return fail(failure.reason + hint) }
        case .int(let int): parsed = parser.value(of: int)
        case .double(let double): parsed = parser.value(of: double)
        // Its own digits, reread at the new scale: exact, or refused when digits would go.
        case .decimal(let decimal): parsed = ArrowDecimalParser(precision: parser.precision, scale: parser.scale).parse(decimal.text)
        default: return fail("unsupported")
        }
        switch parsed {
        case .success(let decimal): return .success(.decimal(decimal))
        case .failure(let failure): return fail(failure.reason)
        }
    }

    private static let trueTexts: Set<String> = ["true", "t", "yes", "y", "1"]
    private static let falseTexts: Set<String> = ["false", "f", "no", "n", "0"]

    private func boolean(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        switch value {
        case .bool: return .success(value)
        case .int(let int):
            guard int == 0 || int == 1 else { return fail("only 0 and 1 are booleans") }
            return .success(.bool(int == 1))
        case .text(let text):
            let lowered = text.lowercased()
            if Self.trueTexts.contains(lowered) { return .success(.bool(true)) }
            if Self.falseTexts.contains(lowered) { return .success(.bool(false)) }
            return fail("booleans are true/false, t/f, yes/no, y/n or 1/0")
        default: return fail("unsupported")
        }
    }

    private func time(_ value: TransformValue) -> Result<TransformValue, CastFailure> {
        let micros: Int64
        switch value {
        case .timestamp(let value): micros = value
        case .date(let days): micros = Int64(days) * ArrowCivilTime.microsecondsPerDay
        case .int, .double:
            guard let parsed = epoch(value.number!) else { return fail("it is outside the timestamp range") }
            micros = parsed
        case .text(let text):
            if let format = cast.format, Self.epochFormats.contains(format) {
                guard let number = Double(text), let parsed = epoch(number) else { return fail("it is not a number of \(format == "epoch_s" ? "seconds" : "milliseconds")") }
                micros = parsed
            } else if let pattern {
                guard let parsed = TimePattern.read(text, pattern) else { return fail("it does not match the format \"\(cast.format!)\"") }
                micros = parsed
            } else if cast.type == .date {
                var copy = text
                guard let days = copy.withUTF8({ ArrowTimestampText.parseDate(UnsafeRawBufferPointer($0)) }) else {
                    return fail("it is not a YYYY-MM-DD date (give a \"format\" such as \"%d/%m/%Y\")")
                }
                micros = days * ArrowCivilTime.microsecondsPerDay
            } else {
                guard let parsed = ArrowTimestampText.parse(text) else {
                    return fail("it is not an ISO 8601 timestamp (give a \"format\" such as \"%d/%m/%Y %H:%M\")")
                }
                micros = parsed.micros
            }
        default: return fail("unsupported")
        }
        if cast.type == .date {
            let days = ArrowCivilTime.splitTimestamp(microseconds: micros).days
            guard let days32 = Int32(exactly: days) else { return fail("it is outside the date range") }
            return .success(.date(days32))
        }
        return .success(.timestamp(micros))
    }

    private func epoch(_ number: Double) -> Int64? {
        let scale: Double = cast.format == "epoch_ms" ? 1_000 : 1_000_000
        let micros = (number * scale).rounded()
        guard micros.isFinite, abs(micros) < 9.2e18 else { return nil }
        return Int64(micros)
    }
}
