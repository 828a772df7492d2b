/// The SELECT a `postgres` read copies out, derived from the saved state and the options; the
/// same resume rules as the `sqlite` source's ReadPlan.
///
/// Rows come ordered by the cursor, NULLs first (where a first run's NULL-cursor rows belong),
/// then by the key. Resuming:
/// - keyed: `c > w OR (c = w AND (key) > (k))`, exact on (cursor, key) pairs;
/// - unkeyed: `c >= w`, skipping rows at `w` whose hashes the state lists;
/// - lookback: `c >= w - lookback`, re-reading a window that a merge absorbs.
/// A safety lag adds `c <= now() - lag`; now() is the start of the read's transaction, so the
/// bound cannot move while the rows stream out.
///
/// Saved values go in as string literals the server reads as the column's type (COPY takes no
/// parameters). After the stream's columns the SELECT adds hidden ones the reader uses and does
/// not emit: the cursor and key as text (for the state), and with a lookback the row's order
/// against the saved position (-1 before, 0 at, 1 after), so the state only moves forward.
struct PGReadPlan: Sendable, Equatable {
    /// The SELECT.
    var sql: String
    /// Whether rows at the state's boundary whose hash the state lists are skipped.
    var skipsBoundaryRows: Bool
    /// Whether the hidden order column follows the cursor and key texts.
    var hasOrderColumn: Bool

    /// Every row, in the server's order.
    static func full(columns: [PGSourceColumn], relation: PGSourceRelation) -> PGReadPlan {
        PGReadPlan(sql: "SELECT \(selectList(columns)) FROM \(relation.fromItem)", skipsBoundaryRows: false, hasOrderColumn: false)
    }

    /// The rows after `state` (or from `initial` on a first run).
    static func incremental(columns: [PGSourceColumn], relation: PGSourceRelation, cursor: String, key: [String],
                            state: PGCursorState?, initial: String?, includeNulls: Bool, lookbackSeconds: Double,
                            safetyLagSeconds: Double) -> PGReadPlan {
        let c = PGIdentifier.quoted(cursor)
        let keyTuple = "ROW(" + key.map(PGIdentifier.quoted).joined(separator: ", ") + ")"
        func keyValues(_ values: [String]) -> String {
            "ROW(" + values.map(PGIdentifier.literal).joined(separator: ", ") + ")"
        }
        let nonNull = initial.map { "\(c) >= \(PGIdentifier.literal($0))" } ?? "\(c) IS NOT NULL"
        var lower: String
        var skips = false
        var order: String?
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
            let w = PGIdentifier.literal(state.cursor ?? "")
            let after = !key.isEmpty && state.key != nil
                ? "(\(c) > \(w) OR (\(c) = \(w) AND \(keyTuple) > \(keyValues(state.key ?? []))))"
                : nil
            if lookbackSeconds > 0 {
                lower = "\(c) >= \(w)::\(typeName(columns, cursor)) - make_interval(secs => \(lookbackSeconds))"
                order = after.map { "CASE WHEN \($0) THEN 1 ELSE -1 END" }
                    ?? "CASE WHEN \(c) > \(w) THEN 1 WHEN \(c) = \(w) THEN 0 ELSE -1 END"
            } else if let after {
                lower = after
            } else {
                lower = "\(c) >= \(w)"
                skips = true
            }
        }
        var sql = "SELECT \(selectList(columns)), \(c)::text AS \"_etl_cursor\", "
        sql += key.enumerated().map { "\(PGIdentifier.quoted($0.element))::text AS \"_etl_key\($0.offset)\"" }.joined(separator: ", ")
        if !key.isEmpty { sql += ", " }
        sql += (order ?? "1") + " AS \"_etl_order\""
        sql += " FROM \(relation.fromItem) WHERE \(lower)"
        if safetyLagSeconds > 0 {
            sql += " AND (\(c) IS NULL OR \(c) <= now() - make_interval(secs => \(safetyLagSeconds)))"
        }
        // Qualified: the relation's column, not the SELECT list's text cast of it.
        sql += " ORDER BY \(PGSourceRelation.alias).\(c) NULLS FIRST"
        for name in key { sql += ", \(PGSourceRelation.alias).\(PGIdentifier.quoted(name))" }
        return PGReadPlan(sql: sql, skipsBoundaryRows: skips, hasOrderColumn: true)
    }

    /// `SELECT count(*)` of the rows whose cursor is NULL.
    static func nullCount(relation: PGSourceRelation, cursor: String) -> String {
        "SELECT count(*) FROM \(relation.fromItem) WHERE \(PGIdentifier.quoted(cursor)) IS NULL"
    }

    private static func selectList(_ columns: [PGSourceColumn]) -> String {
        columns.map(\.selectItem).joined(separator: ", ")
    }

    /// The SQL type of a timestamp cursor, for the lookback's arithmetic.
    private static func typeName(_ columns: [PGSourceColumn], _ name: String) -> String {
        switch columns.first(where: { $0.name == name })?.typeOID {
        case 1184: return "timestamptz"
        case 1082: return "date"
        default: return "timestamp"
        }
    }
}
