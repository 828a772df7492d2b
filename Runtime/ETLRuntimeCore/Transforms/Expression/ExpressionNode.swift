/// A parsed expression, before types are known. Every node keeps the character where it
/// starts, so type errors point into the text.
indirect enum ExpressionNode: Equatable {
    case column(String, position: Int)
    case literal(TransformValue, position: Int)
    /// `-x`, `not x`
    case unary(String, ExpressionNode, position: Int)
    /// `a + b`, `a and b`, `a = b`, `a || b`
    case binary(String, ExpressionNode, ExpressionNode, position: Int)
    /// `x is null`, `x is not null`
    case isNull(ExpressionNode, negated: Bool, position: Int)
    /// `x in (a, b)`, `x not in (...)`
    case isIn(ExpressionNode, [ExpressionNode], negated: Bool, position: Int)
    case call(String, [ExpressionNode], position: Int)
    /// `case when c then v ... else e end`
    case caseWhen([(ExpressionNode, ExpressionNode)], otherwise: ExpressionNode?, position: Int)

    var position: Int {
        switch self {
        case .column(_, let position), .literal(_, let position), .unary(_, _, let position),
            .binary(_, _, _, let position), .isNull(_, _, let position), .isIn(_, _, _, let position),
            .call(_, _, let position), .caseWhen(_, _, let position):
            return position
        }
    }

    static func == (lhs: ExpressionNode, rhs: ExpressionNode) -> Bool { "\(lhs)" == "\(rhs)" }

    /// Every column the expression reads.
    var columns: [String] {
        switch self {
        case .column(let name, _): return [name]
        case .literal: return []
        case .unary(_, let operand, _), .isNull(let operand, _, _): return operand.columns
        case .binary(_, let left, let right, _): return left.columns + right.columns
        case .isIn(let operand, let list, _, _): return operand.columns + list.flatMap(\.columns)
        case .call(_, let arguments, _): return arguments.flatMap(\.columns)
        case .caseWhen(let branches, let otherwise, _):
            return branches.flatMap { $0.0.columns + $0.1.columns } + (otherwise?.columns ?? [])
        }
    }
}
