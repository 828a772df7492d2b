import ETLArrow

/// The typing rules shared by operators and functions: which types compare, how two branch
/// types meet (int64 widens to double, date to timestamp, null fits anything).
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
        if left.isNumeric && right.isNumeric { return .double }
        if left.isTime && right.isTime { return .timestampMicrosecondsUTC }
        throw ExpressionError(at: position, "\(what) mixes \(left.expressionName) and \(right.expressionName); cast them to one type")
    }

    /// Widens values to `type` (int64 → double, date → timestamp); other values are already of it.
    static func convert(_ values: [TransformValue], to type: ArrowColumnType) -> [TransformValue] {
        switch type {
        case .double:
            return values.map { if case .int(let int) = $0 { return .double(Double(int)) } else { return $0 } }
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
