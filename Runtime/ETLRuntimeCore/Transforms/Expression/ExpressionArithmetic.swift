import ETLArrow

/// `+ - * /` and `%`. int64 with int64 stays int64 (an overflow rejects the row); `/` always
/// gives a double, so `7 / 2` is 3.5 as a spreadsheet user expects; dividing by zero rejects the row.
/// Decimals stay exact where the result has a decimal type (see `DecimalArithmetic`); with a
/// double, or for `/` and `%`, they become doubles.
enum ExpressionArithmetic {
    static func compile(_ op: String, _ left: CompiledExpression, _ right: CompiledExpression, position: Int) throws(ExpressionError) -> CompiledExpression {
        guard left.type.isNumeric && right.type.isNumeric else {
            let hint = op == "+" && (left.type == .utf8 || right.type == .utf8) ? "; join texts with || or concat(...)" : ""
            throw ExpressionError(at: position, "\"\(op)\" needs numbers, got \(left.type.expressionName) \(op) \(right.type.expressionName)\(hint)")
        }
        if let exact = DecimalArithmetic.compile(op, left, right, position: position) { return exact }
        let integral = left.type != .double && right.type != .double && !left.type.isDecimal && !right.type.isDecimal && op != "/"
        let type: ArrowColumnType = integral ? .int64 : .double
        let operation = Operation(rawValue: op)!
        return CompiledExpression(type: type) { context in
            let lhs = left.evaluate(context), rhs = right.evaluate(context)
            var output: [TransformValue] = []
            output.reserveCapacity(lhs.count)
            for row in lhs.indices {
                // The common case first: two int64s that do not overflow, or two doubles.
                if integral, case .int(let a) = lhs[row], case .int(let b) = rhs[row], let result = operation.integer(a, b) {
                    output.append(.int(result))
                } else {
                    output.append(apply(op, lhs[row], rhs[row], integral: integral, row: row, context: context, position: position))
                }
            }
            return output
        }
    }

    /// The operator, decided once per expression rather than once per row.
    private enum Operation: String {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

        /// The int64 result, or nil when it overflows or divides by zero (the slow path says which).
        @inline(__always)
        func integer(_ a: Int64, _ b: Int64) -> Int64? {
            let result: (partialValue: Int64, overflow: Bool)
            switch self {
            case .add: result = a.addingReportingOverflow(b)
            case .subtract: result = a.subtractingReportingOverflow(b)
            case .multiply: result = a.multipliedReportingOverflow(by: b)
            case .divide, .remainder:
                guard b != 0 else { return nil }
                result = a.remainderReportingOverflow(dividingBy: b)
            }
            return result.overflow ? nil : result.partialValue
        }
    }

    private static func apply(
        _ op: String, _ left: TransformValue, _ right: TransformValue, integral: Bool, row: Int, context: ExpressionContext, position: Int
    ) -> TransformValue {
        if integral, case .int(let a) = left, case .int(let b) = right {
            let result: (Int64, Bool)
            switch op {
            case "+": result = a.addingReportingOverflow(b)
            case "-": result = a.subtractingReportingOverflow(b)
            case "*": result = a.multipliedReportingOverflow(by: b)
            default:
                guard b != 0 else {
                    context.fail(row: row, "at character \(position): division by zero (\(a) % 0)")
                    return .null
                }
                result = a.remainderReportingOverflow(dividingBy: b)
            }
            guard !result.1 else {
                context.fail(row: row, "at character \(position): \(a) \(op) \(b) overflows int64")
                return .null
            }
            return .int(result.0)
        }
        guard let a = left.number, let b = right.number else { return .null }
        switch op {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        default:
            guard b != 0 else {
                context.fail(row: row, "at character \(position): division by zero (\(TransformValue.text(of: a)) \(op) 0)")
                return .null
            }
            return .double(op == "/" ? a / b : a.truncatingRemainder(dividingBy: b))
        }
    }
}
