/// The SELECT a read runs and its parameters, derived from the saved state and the options.
///
/// Rows come ordered by the cursor (and the key, when there is one); NULL cursors sort first,
/// which is where a first run's NULL-cursor rows belong. Resuming:
/// - keyed: `c > w OR (c = w AND (key) > (k))`, exact on (cursor, key) pairs;
/// - unkeyed: `c >= w`, skipping rows at `w` whose hashes the state lists;
/// - lookback: `c >= w - lookback`, re-reading a window that a merge absorbs.
/// A safety lag adds `julianday(c) <= now - lag`, with "now" fixed when the plan is made so the
/// bound cannot move while the statement runs (a row skipped early and a later one read would
/// let the watermark pass the skipped row).
struct ReadPlan: Sendable, Equatable {
    /// The SELECT.
    var sql: String
    /// Values for ?1, ?2, ... (nil binds NULL).
    var bindings: [SQLValue?]
    /// Whether rows at the state's boundary whose hash the state lists are skipped.
    var skipsBoundaryRows: Bool

    /// Every row, in storage order (full loads).
    static func full(columns: [SourceColumn], relation: SourceRelation) -> ReadPlan {
        ReadPlan(sql: "SELECT \(selectList(columns)) FROM \(from(relation))", bindings: [], skipsBoundaryRows: false)
    }

    /// The rows after `state` (or from `initial` on a first run).
    /// - Parameters:
    ///   - lookbackStart: the text of `state.cursor - lookback`, when a lookback applies.
    ///   - upperBound: the Julian day number rows must not pass (safety lag), if any.
    static func incremental(columns: [SourceColumn], relation: SourceRelation, cursor: String, key: [String],
                            state: CursorState?, initial: SQLValue?, includeNulls: Bool, lookbackStart: String?,
                            upperBound: Double?) -> ReadPlan {
        var parameters = Parameters()
        let c = SQLIdentifier.quoted(cursor)
        let keyTuple = "(" + key.map(SQLIdentifier.quoted).joined(separator: ", ") + ")"
        func keyValues(_ values: [SQLValue]) -> String {
            "(" + values.map { parameters.add($0) }.joined(separator: ", ") + ")"
        }
        let nonNull = initial.map { "\(c) >= \(parameters.add($0))" } ?? "\(c) IS NOT NULL"
        var lower: String
        var skips = false
        switch state {
        case nil:
            lower = includeNulls ? "(\(c) IS NULL OR \(nonNull))" : nonNull
        case let state? where state.cursor == nil:
            guard includeNulls else {
                lower = nonNull
                break
            }
            var nullPart = "\(c) IS NULL"
            if !key.isEmpty, let last = state.key {
                nullPart = "(\(c) IS NULL AND \(keyTuple) > \(keyValues(last)))"
            } else if key.isEmpty {
                skips = true
            }
            lower = "(\(nullPart) OR \(nonNull))"
        case let state?:
            let watermark = state.cursor
            if let lookbackStart {
                lower = "\(c) >= \(parameters.add(.text(lookbackStart)))"
            } else if !key.isEmpty, let last = state.key {
                let w = parameters.add(watermark)
                lower = "(\(c) > \(w) OR (\(c) = \(w) AND \(keyTuple) > \(keyValues(last))))"
            } else {
                lower = "\(c) >= \(parameters.add(watermark))"
                skips = true
            }
        }
        var sql = "SELECT \(selectList(columns)) FROM \(from(relation)) WHERE \(lower)"
        if let upperBound {
            sql += " AND (julianday(\(c)) IS NULL OR julianday(\(c)) <= \(parameters.add(.real(upperBound))))"
        }
        sql += " ORDER BY " + ([cursor] + key).map(SQLIdentifier.quoted).joined(separator: ", ")
        return ReadPlan(sql: sql, bindings: parameters.values, skipsBoundaryRows: skips)
    }

    /// `SELECT count(*)` of the rows whose cursor is NULL.
    static func nullCount(relation: SourceRelation, cursor: String) -> String {
        "SELECT count(*) FROM \(from(relation)) WHERE \(SQLIdentifier.quoted(cursor)) IS NULL"
    }

    private static func selectList(_ columns: [SourceColumn]) -> String {
        columns.map { SQLIdentifier.quoted($0.name) }.joined(separator: ", ")
    }

    private static func from(_ relation: SourceRelation) -> String {
        switch relation {
        case .table(let table): return SQLIdentifier.quoted(table)
        case .query(let query): return "(\(query)) AS \"_etl_source\""
        }
    }
}

/// Numbered parameters collected while building a statement.
private struct Parameters {
    var values: [SQLValue?] = []

    mutating func add(_ value: SQLValue?) -> String {
        values.append(value)
        return "?\(values.count)"
    }
}
