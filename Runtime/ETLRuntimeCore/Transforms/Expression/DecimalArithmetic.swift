import ETLArrow

/// Exact arithmetic on decimals (an int64 taking part counts as a decimal(19,0)):
///
/// * `+` and `-`: the larger scale, and one digit more before the point than the wider side
///   (at most 38 digits; a result beyond them rejects its row, as an int64 overflow does);
/// * `*`: the scales and the precisions add up (12,2 × 19,0 is 31,2), when that is 38 digits
///   or fewer, so no product can overflow; wider products become doubles;
/// * `/`, `%`, and anything with a double: doubles (as `ExpressionArithmetic` computes them),
///   since a quotient has no exact decimal in general.
enum DecimalArithmetic {
    /// The exact operation, or nil when these operands leave the decimal types.
    static func compile(_ op: String, _ left: CompiledExpression, _ right: CompiledExpression, position: Int) -> CompiledExpression? {
        guard left.type.isDecimal || right.type.isDecimal,
            let a = ExpressionTypes.decimalShape(left.type), let b = ExpressionTypes.decimalShape(right.type)
        else { return nil }
        let type: ArrowColumnType
        switch op {
        case "+", "-":
            guard let union = ExpressionTypes.decimalUnion(left.type, right.type, extraDigits: 1) else { return nil }
            type = union
        case "*":
            guard a.precision + b.precision <= ArrowDecimal.maximumPrecision else { return nil }
            type = .decimal128(precision: a.precision + b.precision, scale: a.scale + b.scale)
        default:
            return nil
        }
        guard case .decimal128(let precision, let scale) = type else { return nil }
        let isProduct = op == "*"
        let subtract = op == "-"
        return CompiledExpression(type: type) { context in
            let lhs = left.evaluate(context), rhs = right.evaluate(context)
            var output: [TransformValue] = []
            output.reserveCapacity(lhs.count)
            for row in lhs.indices {
                guard let x = ExpressionTypes.decimal(lhs[row], scale: isProduct ? Int(decimalScale(lhs[row])) : scale),
                    let y = ExpressionTypes.decimal(rhs[row], scale: isProduct ? Int(decimalScale(rhs[row])) : scale)
                else {
                    if !lhs[row].isNull && !rhs[row].isNull {
                        context.fail(row: row, "at character \(position): \(lhs[row].text ?? "") \(op) \(rhs[row].text ?? "") does not fit decimal(\(precision),\(scale))")
                    }
                    output.append(.null)
                    continue
                }
                let (result, overflow): (Int128, Bool) = isProduct
                    ? x.unscaled.multipliedReportingOverflow(by: y.unscaled)
                    : subtract ? x.unscaled.subtractingReportingOverflow(y.unscaled) : x.unscaled.addingReportingOverflow(y.unscaled)
                let value = ArrowDecimal(unscaled: result, scale: scale)
                guard !overflow, value.fits(precision: precision) else {
                    context.fail(row: row, "at character \(position): \(x.text) \(op) \(y.text) overflows decimal(\(precision),\(scale))")
                    output.append(.null)
                    continue
                }
                output.append(.decimal(value))
            }
            return output
        }
    }

    /// A product's factors keep their own scales (the product's scale is their sum).
    private static func decimalScale(_ value: TransformValue) -> Int8 {
        if case .decimal(let decimal) = value { return decimal.scale }
        return 0
    }
}

extension DecimalArithmetic {
    /// `-x`, exact (a decimal's range is symmetric).
    static func negated(_ value: ArrowDecimal) -> ArrowDecimal {
        ArrowDecimal(unscaled: -value.unscaled, scale: Int(value.scale))
    }

    /// The type `round(x, digits)` gives a decimal(p,s): `digits` after the point (at most s), and
    /// one more digit before it, for 99.5 → 100.
    static func roundedType(precision: Int, scale: Int, digits: Int) -> ArrowColumnType {
        let kept = min(scale, digits)
        return .decimal128(precision: min(ArrowDecimal.maximumPrecision, precision - scale + kept + 1), scale: kept)
    }

    /// `value` rounded half away from zero to `digits` after the point (never more than it has).
    static func rounded(_ value: ArrowDecimal, digits: Int) -> ArrowDecimal {
        let scale = Int(value.scale)
        guard digits < scale else { return value }
        let divisor = ArrowDecimal.powersOfTen[scale - digits]
        var (quotient, remainder) = value.unscaled.quotientAndRemainder(dividingBy: divisor)
        if remainder.magnitude * 2 >= divisor.magnitude { quotient += remainder < 0 ? -1 : 1 }
        return ArrowDecimal(unscaled: quotient, scale: digits)
    }
}
