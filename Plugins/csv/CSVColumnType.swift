import ETLArrow

/// A column type as a manifest declares it (`"type": "int64"`), and the Arrow type it loads as.
enum CSVColumnType: String, Sendable, CaseIterable {
    /// Signed 64-bit integers: an optional sign and decimal digits.
    case int64
    /// Doubles: decimal with optional fraction and exponent, or nan / inf.
    case double
    /// Booleans: true/false, t/f, yes/no, y/n, 1/0, in any case.
    case bool
    /// UTF-8 text, as written.
    case text
    /// Microseconds since the epoch in UTC: ISO 8601 by default, or a `format`.
    case timestamp
    /// Days since the epoch: `%Y-%m-%d` by default, or a `format`.
    case date

    /// The Arrow column type the values load as.
    var arrowType: ArrowColumnType {
        switch self {
        case .int64: .int64
        case .double: .double
        case .bool: .bool
        case .text: .utf8
        case .timestamp: .timestampMicrosecondsUTC
        case .date: .date32
        }
    }

    /// Whether a `format` applies to this type.
    var acceptsFormat: Bool { self == .timestamp || self == .date }

    /// The type names, quoted and comma-separated, for messages.
    static var nameList: String { allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }
}
