import ETLArrow

/// Type-checks a parsed expression against the columns of a batch and turns it into
/// column-at-a-time evaluation: each node computes the whole column once per batch.
package struct ExpressionCompiler {
    let schema: ArrowSchemaDescription

    /// Parses and type-checks `text`; `expected` (e.g. bool for a filter) is checked too.
    static func compile(
        _ text: String, schema: ArrowSchemaDescription, expecting expected: ArrowColumnType? = nil
    ) throws(ExpressionError) -> CompiledExpression {
        let node = try ExpressionParser.parse(text)
        let compiled = try ExpressionCompiler(schema: schema).compile(node)
        if let expected, compiled.type != expected, compiled.type != .null {
            throw ExpressionError(at: 1, "expected a \(expected.expressionName) expression, got \(compiled.type.expressionName)")
        }
        return compiled
    }

    func compile(_ node: ExpressionNode) throws(ExpressionError) -> CompiledExpression {
        switch node {
        case .column(let name, let position):
            guard let index = schema.fields.firstIndex(where: { $0.name == name }) else {
                var message = "unknown column \"\(name)\""
                if let suggestion = DidYouMean.suggestion(for: name, among: schema.fields.map(\.name)) {
                    message += " (did you mean \"\(suggestion)\"?)"
                } else {
                    message += "; columns are \(schema.fields.map { "\"\($0.name)\"" }.joined(separator: ", "))"
                }
                throw ExpressionError(at: position, message)
            }
            return CompiledExpression(type: schema.fields[index].type, evaluate: { $0.table.columns[index].values })
        case .literal(let value, _):
            return Self.constant(value)
        case .unary(let op, let operand, let position):
            return try unary(op, try compile(operand), operandPosition: operand.position, position: position)
        case .binary(let op, let left, let right, let position):
            return try binary(op, try compile(left), try compile(right), position: position)
        case .isNull(let operand, let negated, _):
            let inner = try compile(operand)
            return CompiledExpression(type: .bool) { context in
                inner.evaluate(context).map { .bool($0.isNull != negated) }
            }
        case .isIn(let operand, let list, let negated, let position):
            let inner = try compile(operand)
            var options: [CompiledExpression] = []
            for item in list {
                let compiled = try compile(item)
                guard ExpressionTypes.comparable(inner.type, compiled.type) else {
                    throw ExpressionError(at: item.position, "cannot compare \(inner.type.expressionName) with \(compiled.type.expressionName) in \"in\"")
                }
                options.append(compiled)
            }
            _ = position
            return CompiledExpression(type: .bool) { context in
                let values = inner.evaluate(context)
                let lists = options.map { $0.evaluate(context) }
                return values.indices.map { row in
                    if values[row].isNull { return .null }
                    let found = lists.contains { ExpressionTypes.compare(values[row], $0[row]) == 0 }
                    return .bool(found != negated)
                }
            }
        case .call(let name, let arguments, let position):
            var compiled: [CompiledExpression] = []
            for argument in arguments { compiled.append(try compile(argument)) }
            return try ExpressionFunctions.call(name, compiled, arguments: arguments, position: position)
        case .caseWhen(let branches, let otherwise, let position):
            return try caseWhen(branches, otherwise, position: position)
        }
    }

    static func constant(_ value: TransformValue) -> CompiledExpression {
        CompiledExpression(type: ExpressionTypes.type(of: value), evaluate: { Array(repeating: value, count: $0.table.rowCount) }, constant: value)
    }

    private func unary(_ op: String, _ operand: CompiledExpression, operandPosition: Int, position: Int) throws(ExpressionError) -> CompiledExpression {
        if op == "not" {
            guard operand.type == .bool || operand.type == .null else {
                throw ExpressionError(at: operandPosition, "not needs a bool, got \(operand.type.expressionName)")
            }
            return CompiledExpression(type: .bool) { context in
                operand.evaluate(context).map { if case .bool(let value) = $0 { return .bool(!value) } else { return .null } }
            }
        }
        guard operand.type.isNumeric else {
            throw ExpressionError(at: operandPosition, "unary minus needs a number, got \(operand.type.expressionName)")
        }
        return CompiledExpression(type: operand.type) { context in
            operand.evaluate(context).map { value in
                switch value {
                case .int(let int): return int == .min ? .double(-Double(int)) : .int(-int)
                case .double(let double): return .double(-double)
                case .decimal(let decimal): return .decimal(DecimalArithmetic.negated(decimal))
                default: return .null
                }
            }
        }
    }

    private func binary(_ op: String, _ left: CompiledExpression, _ right: CompiledExpression, position: Int) throws(ExpressionError) -> CompiledExpression {
        switch op {
        case "and", "or":
            for side in [left, right] where side.type != .bool && side.type != .null {
                throw ExpressionError(at: position, "\(op) needs bool on both sides, got \(left.type.expressionName) \(op) \(right.type.expressionName)")
            }
            let isAnd = op == "and"
            return CompiledExpression(type: .bool) { context in
                let lhs = left.evaluate(context), rhs = right.evaluate(context)
                return zip(lhs, rhs).map { ExpressionTypes.logic(isAnd: isAnd, $0, $1) }
            }
        case "||":
            return ExpressionFunctions.concatenation([left, right])
        case "=", "!=", "<", "<=", ">", ">=":
            guard ExpressionTypes.comparable(left.type, right.type) else {
                throw ExpressionError(at: position, "cannot compare \(left.type.expressionName) with \(right.type.expressionName); cast one side first")
            }
            // The operator becomes a test of the ordering once, not a string comparison per row.
            let holds: (Int) -> Bool = switch op {
            case "=": { $0 == 0 }
            case "!=": { $0 != 0 }
            case "<": { $0 < 0 }
            case "<=": { $0 <= 0 }
            case ">": { $0 > 0 }
            default: { $0 >= 0 }
            }
            return CompiledExpression(type: .bool) { context in
                let lhs = left.evaluate(context), rhs = right.evaluate(context)
                return zip(lhs, rhs).map { pair in
                    guard let order = ExpressionTypes.compare(pair.0, pair.1) else { return .null }
                    return .bool(holds(order))
                }
            }
        default:
            return try ExpressionArithmetic.compile(op, left, right, position: position)
        }
    }

    private func caseWhen(_ branches: [(ExpressionNode, ExpressionNode)], _ otherwise: ExpressionNode?, position: Int) throws(ExpressionError) -> CompiledExpression {
        var conditions: [CompiledExpression] = []
        var results: [CompiledExpression] = []
        var resultType = ArrowColumnType.null
        for (condition, result) in branches {
            let compiledCondition = try compile(condition)
            guard compiledCondition.type == .bool || compiledCondition.type == .null else {
                throw ExpressionError(at: condition.position, "a when condition must be bool, got \(compiledCondition.type.expressionName)")
            }
            conditions.append(compiledCondition)
            let compiledResult = try compile(result)
            resultType = try ExpressionTypes.unify(resultType, compiledResult.type, at: result.position, in: "case")
            results.append(compiledResult)
        }
        var fallback: CompiledExpression?
        if let otherwise {
            let compiled = try compile(otherwise)
            resultType = try ExpressionTypes.unify(resultType, compiled.type, at: otherwise.position, in: "case")
            fallback = compiled
        }
        let type = resultType
        _ = position
        return CompiledExpression(type: type) { context in
            var output = fallback.map { ExpressionTypes.convert($0.evaluate(context), to: type) }
                ?? Array(repeating: .null, count: context.table.rowCount)
            var decided = [Bool](repeating: false, count: context.table.rowCount)
            for (condition, result) in zip(conditions, results) {
                let tests = condition.evaluate(context)
                let values = ExpressionTypes.convert(result.evaluate(context), to: type)
                for row in tests.indices where !decided[row] {
                    if case .bool(true) = tests[row] {
                        output[row] = values[row]
                        decided[row] = true
                    }
                }
            }
            return output
        }
    }
}
