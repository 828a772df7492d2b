import ETLPluginKit

/// How many rows a read's SELECT will return, as PostgreSQL's planner estimates it: the total
/// the read's progress is measured against (ABI 1.3 `report_progress`). An estimate, not a
/// count: counting would run the query twice, while a plan costs a few milliseconds and comes
/// from the table's statistics, close for a table read and rough for a filtered or joined query.
/// The reader stops claiming a total once the rows outnumber it (see PGSourceReader).
enum PGRowEstimate {
    /// The planner's row estimate for `sql`, nil when the plan gives none. Runs in the read's
    /// transaction, before its COPY, so it plans against the same snapshot's catalog.
    static func rows(of sql: String, connection: PostgresConnection, what: String) throws(PluginError) -> Int64? {
        let plan = try connection.query("EXPLAIN (FORMAT JSON) \(sql)", what: what).rows.first?.first ?? nil
        return plan.flatMap(topPlanRows)
    }

    /// "Plan Rows" of the plan's top node: PostgreSQL writes a node's own properties before its
    /// children ("Plans"), so the first "Plan Rows" in the text is the top node's.
    static func topPlanRows(_ json: String) -> Int64? {
        guard let key = json.firstRange(of: "\"Plan Rows\":") else { return nil }
        let digits = json[key.upperBound...].drop { $0 == " " }.prefix { $0.isASCII && $0.isNumber }
        return Int64(digits)
    }
}
