import ETLPluginKit

/// The entry option `replace_partitions` (the rule of the sqlite and postgres sinks): an `append`
/// that first deletes, in the load's transaction, the target's rows whose partition columns hold
/// a value combination the load delivers — delete-and-reload of re-exported partitions.
///
/// Through ADBC only bulk ingest and plain SQL are portable, so: the batches are ingested into
/// the staging table; at commit an empty ingest creates the target if it is missing (the driver's
/// types, as an ordinary append would), then a DELETE of the staged partitions' old rows (`IN`,
/// plus a second DELETE for partitions holding a NULL when the load has one), one INSERT ... SELECT
/// and the staging table's DROP run before the state row, all in the load's transaction. Standard
/// SQL only (NULLs matched with `IS NULL` pairs, no `IS NOT DISTINCT FROM`,
/// no `DELETE ... USING`), which SQLite and PostgreSQL both accept. A driver without transactions
/// cannot do this atomically, so it is refused.
struct ADBCPartitionReplace: Sendable, Equatable {
    /// The entry options schema the sink declares (ABI 1.2): `validate` refuses anything else.
    static let schema = PartitionReplaceOption.schema(
        description: "With write append and a driver with transactions: the columns that name a partition (such as [\\\"dt\\\"]); the target's rows of every partition the load delivers are deleted before its rows are inserted, in one transaction.")

    /// The partition columns.
    let columns: [String]

    /// Reads `replace_partitions` from the entry options of `request`; nil when not asked for.
    /// `transactional`: whether loads through this driver are transactions. `schemaKnown`: false
    /// when the load's columns are not known yet (`check_load`), whose names are then unchecked.
    init?(_ request: LoadRequest, transactional: Bool, driver: String, schemaKnown: Bool = true) throws(PluginError) {
        guard let found = try PartitionReplaceOption.columns(
            of: request, loadColumns: schemaKnown ? request.schema.fields.map(\.name) : nil, quoted: SQLText.identifier)
        else { return nil }
        guard transactional else {
            throw .invalidConfig("options.replace_partitions needs transactions, and loads through \(driver) are not (the driver has none, or \"transactions\" is \"off\"): the old rows of a partition could be deleted with the new ones not yet in. Use write replace, or a driver with transactions")
        }
        columns = found
    }

    /// At commit, inside the load's transaction: deletes the target's rows of every staged
    /// partition and moves the staged rows in. `target` and `staging` are quoted (and
    /// schema-qualified) table names; `columns` are the load's.
    func apply(target: String, staging: String, columns: [String], session: ADBCSession) throws(PluginError) {
        let partition = self.columns.map(SQLText.identifier).joined(separator: ", ")
        // `IN` can use an index on the target's partition columns but never matches NULL:
        // partitions holding a NULL take a second DELETE, run only when the load has one.
        try session.execute("DELETE FROM \(target) WHERE (\(partition)) IN (SELECT DISTINCT \(partition) FROM \(staging))")
        let anyNull = self.columns.map { "\(SQLText.identifier($0)) IS NULL" }.joined(separator: " OR ")
        // Text, since DriverQuery reads text columns only.
        let withNull = try DriverQuery.texts(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM \(staging) WHERE \(anyNull)) THEN 'yes' ELSE 'no' END", session: session)
        guard let answer = withNull.first ?? nil, answer == "yes" || answer == "no" else {
            throw .internalError("looking for loaded partitions with a NULL in \(target) gave \(withNull), not 'yes' or 'no'")
        }
        if answer == "yes" {
            let match = self.columns.map { column in
                let old = "\(target).\(SQLText.identifier(column))", loaded = "loaded.\(SQLText.identifier(column))"
                return "(\(old) = \(loaded) OR (\(old) IS NULL AND \(loaded) IS NULL))"
            }.joined(separator: " AND ")
            try session.execute("""
                DELETE FROM \(target) WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT \(partition) FROM \(staging) WHERE \(anyNull)) AS loaded \
                WHERE \(match))
                """)
        }
        let list = columns.map(SQLText.identifier).joined(separator: ", ")
        try session.execute("INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(staging)")
        try session.execute("DROP TABLE \(staging)")
    }
}
