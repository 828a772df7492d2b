import ETLArrow

/// A column's type affinity, derived from its declared type by SQLite's own rules
/// (https://www.sqlite.org/datatype3.html, section 3.1), in the same order SQLite applies them.
enum SQLiteAffinity: Sendable, Equatable {
    case integer, text, blob, real, numeric

    /// The affinity SQLite gives a column declared as `declaredType`.
    init(declaredType: String) {
        let upper = declaredType.uppercased()
        if upper.contains("INT") {
            self = .integer
        } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
            self = .text
        } else if upper.contains("BLOB") || upper.isEmpty {
            self = .blob
        } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
            self = .real
        } else {
            self = .numeric
        }
    }
}

/// How Arrow columns become SQLite columns, and which existing columns a load may write into.
enum SQLiteColumnMapping {
    /// The declared type the sink gives a new column of `type`. Timestamps and dates are TEXT in
    /// the form SQLite's date functions read (`YYYY-MM-DD HH:MM:SS.ffffff`, UTC; `YYYY-MM-DD`);
    /// an all-null column gets no type, so it accepts whatever later loads send.
    static func declaredType(for type: ArrowColumnType) -> String {
        switch type {
        case .int64, .bool: return "INTEGER"
        case .double: return "REAL"
        case .utf8, .timestampMicrosecondsUTC, .date32: return "TEXT"
        case .binary: return "BLOB"
        case .null: return ""
        // NUMERIC affinity, with the precision and scale for readers of the schema (SQLite ignores them).
        case .decimal128(let precision, let scale): return "NUMERIC(\(precision),\(scale))"
        }
    }

    /// Whether values of `type` can go into a column declared `declaredType` without SQLite
    /// converting them into something else (text "007" into an INTEGER column becomes 7, a
    /// fraction into an INTEGER column changes the column's meaning).
    static func accepts(declaredType: String, from type: ArrowColumnType) -> Bool {
        let affinity = SQLiteAffinity(declaredType: declaredType)
        if affinity == .blob || type == .null { return true }
        let upper = declaredType.uppercased()
        let isTemporal = upper.contains("DATE") || upper.contains("TIME")
        switch type {
        case .int64, .bool: return affinity == .integer || affinity == .numeric || affinity == .real
        case .double: return affinity == .real || (affinity == .numeric && !isTemporal)
        case .utf8, .timestampMicrosecondsUTC, .date32: return affinity == .text || (affinity == .numeric && isTemporal)
        case .binary: return false
        case .null: return true
        // A REAL or NUMERIC column stores each decimal as SQLiteDecimalStorage says; an INTEGER
        // column only whole ones (scale 0), else a fraction would change the column's meaning.
        case .decimal128(_, let scale):
            return affinity == .real || (affinity == .numeric && !isTemporal) || (affinity == .integer && scale == 0)
        }
    }
}
