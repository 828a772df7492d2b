import ETLArrow

/// What an expression reads while it runs over one batch: the columns, the row count, the
/// run's clock, and where per-row failures (division by zero, bad JSON) are collected so the
/// rows can go to etl_rejects instead of being coerced.
final class ExpressionContext {
    let table: TransformTable
    /// `now()`: the run's start, the same for every row and batch of a run.
    let now: Int64
    /// The first failure of each failed row, by row.
    private(set) var rowFailures: [Int: String] = [:]

    init(table: TransformTable, now: Int64) {
        self.table = table
        self.now = now
    }

    func fail(row: Int, _ message: String) {
        if rowFailures[row] == nil { rowFailures[row] = message }
    }
}

/// A type-checked expression: its result type and how to compute a whole column of it.
struct CompiledExpression {
    let type: ArrowColumnType
    let evaluate: (ExpressionContext) -> [TransformValue]
    /// Set when the expression is a literal, so functions can take constant arguments (patterns, units).
    var constant: TransformValue?
}

/// Column types as the expression language names them in messages.
extension ArrowColumnType {
    var expressionName: String {
        switch self {
        case .utf8: return "text"
        case .int64: return "int64"
        case .double: return "double"
        case .bool: return "bool"
        case .timestampMicrosecondsUTC: return "timestamp"
        case .date32: return "date"
        case .binary: return "binary"
        case .null: return "null"
        case .decimal128(let precision, let scale): return "decimal(\(precision),\(scale))"
        }
    }

    /// Whether arithmetic and numeric comparisons take it (null: a literal null fits anywhere).
    var isNumeric: Bool {
        switch self {
        case .int64, .double, .null, .decimal128: return true
        default: return false
        }
    }
    var isTime: Bool { self == .timestampMicrosecondsUTC || self == .date32 }
}
