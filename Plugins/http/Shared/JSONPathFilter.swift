import ETLPluginKit

/// The test of a filter step `[?(...)]`, applied to each child of the value the step is at
/// (`@`): comparisons `==`, `!=`, `<`, `<=`, `>`, `>=` between `@` paths (`@.name`, `@.a.b`,
/// `@['x'][0]`) and string, number, boolean or null literals; existence (`@.email`); `!`,
/// `&&`, `||` and parentheses.
///
/// As RFC 9535 has it: a missing member equals only another missing member (so `!=` keeps it);
/// `<`-style comparisons hold between two numbers or two strings only; numbers compare by
/// value (`1 == 1.0`); existence holds for any present value, null included.
indirect enum JSONPathFilter: Sendable, Hashable {
    /// A side of a comparison.
    enum Operand: Sendable, Hashable {
        /// A path under `@`, of member and index steps.
        case current([JSONPathExpression.Step])
        case literal(JSONValue)
    }

    enum Comparison: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    case exists([JSONPathExpression.Step])
    case compare(Operand, Comparison, Operand)
    case not(JSONPathFilter)
    case and(JSONPathFilter, JSONPathFilter)
    case or(JSONPathFilter, JSONPathFilter)

    /// True when `item` (the `@`) passes the test.
    func keeps(_ item: JSONValue) -> Bool {
        switch self {
        case .exists(let steps):
            return Self.resolve(steps, in: item) != nil
        case .compare(let left, let comparison, let right):
            return Self.compare(Self.value(left, item), comparison, Self.value(right, item))
        case .not(let inner):
            return !inner.keeps(item)
        case .and(let left, let right):
            return left.keeps(item) && right.keeps(item)
        case .or(let left, let right):
            return left.keeps(item) || right.keeps(item)
        }
    }

    private static func value(_ operand: Operand, _ item: JSONValue) -> JSONValue? {
        switch operand {
        case .current(let steps): return resolve(steps, in: item)
        case .literal(let value): return value
        }
    }

    private static func resolve(_ steps: [JSONPathExpression.Step], in item: JSONValue) -> JSONValue? {
        JSONPathExpression(steps: steps, description: "@").evaluate(item)
    }

    private static func compare(_ left: JSONValue?, _ comparison: Comparison, _ right: JSONValue?) -> Bool {
        switch comparison {
        case .equal: return equal(left, right)
        case .notEqual: return !equal(left, right)
        case .less: return order(left, right).map { $0 < 0 } ?? false
        case .lessOrEqual: return order(left, right).map { $0 <= 0 } ?? false
        case .greater: return order(left, right).map { $0 > 0 } ?? false
        case .greaterOrEqual: return order(left, right).map { $0 >= 0 } ?? false
        }
    }

    private static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        guard let left, let right else { return left == nil && right == nil }
        return left == right
    }

    /// -1, 0 or 1 for two numbers or two strings; nil for anything else (never ordered).
    private static func order(_ left: JSONValue?, _ right: JSONValue?) -> Int? {
        switch (left, right) {
        case (.number(let a)?, .number(let b)?):
            if a == b { return 0 }
            return a.doubleValue < b.doubleValue ? -1 : 1
        case (.string(let a)?, .string(let b)?):
            if a == b { return 0 }
            return a < b ? -1 : 1
        default:
            return nil
        }
    }
}
