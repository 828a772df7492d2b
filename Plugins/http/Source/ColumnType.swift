import ETLArrow

/// A column type a stream's `columns` may declare.
enum ColumnType: String, Sendable, Hashable, CaseIterable {
    case int64, double, bool, text, timestamp, date, json

    /// The Arrow type the column loads as (json loads as its text).
    var arrowType: ArrowColumnType {
        switch self {
        case .int64: return .int64
        case .double: return .double
        case .bool: return .bool
        case .text, .json: return .utf8
        case .timestamp: return .timestampMicrosecondsUTC
        case .date: return .date32
        }
    }
}
