import ETLArrow

/// The typing rules shared by operators and functions: which types compare, how two branch
/// types meet (int64 widens to double, date to timestamp, null fits anything; decimals meet
/// decimals and int64 as a decimal wide enough for both, and doubles as a double).
enum ExpressionTypes {
    static func type(of value: TransformValue) -> ArrowColumnType {
        switch value {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int64
        case .double: return .double
        case .text: return .utf8
        case .timestamp: return .timestampMicrosecondsUTC
        case .date: return .date32
        case .bytes: return .binary
        case .decimal(let value): return .decimal128(precision: ArrowDecimal.maximumPrecision, scale: Int(value.scale))
        }
    }

    static func comparable(_ left: ArrowColumnType, _ right: ArrowColumnType) -> Bool {
        if left == .null || right == .null || left == right { return true }
        if left.isNumeric && right.isNumeric { return true }
        return left.isTime && right.isTime
    }

    /// The type both can become, or an error naming where they disagree.
    static func unify(_ left: ArrowColumnType, _ right: ArrowColumnType, at position: Int, in what: String) throws(ExpressionError) -> ArrowColumnType {
        if left == .null { return right }
        if right == .null || left == right { return left }
        if left.isNumeric && right.isNumeric { return decimalUnion(left, right) ?? .double }
        if left.isTime && right.isTime { return .timestampMicrosecondsUTC }
        throw ExpressionError(at: position, "\(what) mixes \(left.expressionName) and \(right.expressionName); cast them to one type")
    }

    /// The decimal type holding every value of two types that are decimals or int64 (an int64 is a
    /// decimal(19,0)): the larger scale and the most digits before the point. Nil when a side is
    /// a double, or when that needs more than 38 digits (both then meet as a double).
    static func decimalUnion(_ left: ArrowColumnType, _ right: ArrowColumnType, extraDigits: Int = 0) -> ArrowColumnType? {
        guard left.isDecimal || right.isDecimal, let a = decimalShape(left), let b = decimalShape(right) else { return nil }
        let scale = max(a.scale, b.scale)
        let precision = max(a.precision - a.scale, b.precision - b.scale) + scale + extraDigits
        if precision <= ArrowDecimal.maximumPrecision { return .decimal128(precision: precision, scale: scale) }
        // Sums may carry one digit more; capped at 38, a sum that does not fit rejects its row.
        if extraDigits > 0, precision - extraDigits <= ArrowDecimal.maximumPrecision { return .decimal128(precision: ArrowDecimal.maximumPrecision, scale: scale) }
        return nil
    }

    /// Precision and scale of a decimal, or of an int64 as a decimal (19 digits, none after the point).
    static func decimalShape(_ type: ArrowColumnType) -> (precision: Int, scale: Int)? {
        switch type {
        case .decimal128(let precision, let scale): return (precision, scale)
        case .int64: return (19, 0)
        case .null: return (1, 0)
        default: return nil
        }
    }

    /// An int64 or decimal value at `scale` (exact: the type it goes to was made wide enough).
    static func decimal(_ value: TransformValue, scale: Int) -> ArrowDecimal? {
        switch value {
        case .int(let int): return ArrowDecimal(unscaled: Int128(int), scale: 0).rescaled(to: scale)
        case .decimal(let decimal): return decimal.rescaled(to: scale)
        default: return nil
        }
    }

    /// Widens values to `type` (int64 → double or decimal, decimal → double or a larger scale,
    /// date → timestamp); other values are already of it.
    static func convert(_ values: [TransformValue], to type: ArrowColumnType) -> [TransformValue] {
        switch type {
        case .double:
            return values.map {
                switch $0 {
                case .int(let int): return .double(Double(int))
                case .decimal(let decimal): return .double(decimal.doubleValue)
                default: return $0
                }
            }
        case .decimal128(_, let scale):
            return values.map { value in
                if value.isNull { return value }
                return decimal(value, scale: scale).map(TransformValue.decimal) ?? value
            }
        case .timestampMicrosecondsUTC:
            return values.map { if case .date(let days) = $0 { return .timestamp(Int64(days) * ArrowCivilTime.microsecondsPerDay) } else { return $0 } }
        default:
            return values
        }
    }

    /// -1, 0 or 1; nil when either is null (SQL: a comparison with null is unknown).
    static func compare(_ left: TransformValue, _ right: TransformValue) -> Int? {
        switch (left, right) {
        case (.null, _), (_, .null): return nil
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.text(let a), .text(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
        case (.date(let a), .date(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.bytes(let a), .bytes(let b)): return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        // Decimals against decimals and integers exactly; against doubles as doubles (the decimal's
        // nearest double, so 0.1 equals the literal 0.1).
        case (.decimal(let a), .decimal(let b)): return ArrowDecimal.compare(a, b)
        case (.decimal(let a), .int(let b)): return ArrowDecimal.compare(a, ArrowDecimal(unscaled: Int128(b), scale: 0))
        case (.int(let a), .decimal(let b)): return ArrowDecimal.compare(ArrowDecimal(unscaled: Int128(a), scale: 0), b)
        default:
            if let a = left.number, let b = right.number { return a < b ? -1 : (a == b ? 0 : 1) }
            if let a = micros(left), let b = micros(right) { return a < b ? -1 : (a == b ? 0 : 1) }
            return nil
        }
    }

    static func micros(_ value: TransformValue) -> Int64? {
        switch value {
        case .timestamp(let micros): return micros
        case .date(let days): return Int64(days) * ArrowCivilTime.microsecondsPerDay
        default: return nil
        }
    }

    /// SQL's three-valued and/or: false and null is false, true or null is true.
    static func logic(isAnd: Bool, _ left: TransformValue, _ right: TransformValue) -> TransformValue {
        let a: Bool? = if case .bool(let value) = left { value } else { nil }
        let b: Bool? = if case .bool(let value) = right { value } else { nil }
        if isAnd {
            if a == false || b == false { return .bool(false) }
            if let a, let b { return .bool(a && b) }
        } else {
            if a == true || b == true { return .bool(true) }
            if let a, let b { return .bool(a || b) }
        }
        return .null
    }
}
