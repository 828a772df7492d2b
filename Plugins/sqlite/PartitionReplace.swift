import ETLPluginKit

/// The entry option `replace_partitions`: an `append` that first deletes, in the same
/// transaction, the target's rows whose partition columns hold a value combination the load
/// delivers (delete-and-reload of re-exported partitions: a rerun never duplicates, and a row
/// dropped from the new export is gone). Partitions the load lacks are left alone.
///
/// The rows go to a TEMP staging table first, since the old rows may only be deleted once every
/// partition of the load is known; at commit a DELETE driven by a small TEMP table of the load's
/// distinct partition values (a second one for partitions holding a NULL, only when the load has
/// any) and one INSERT ... SELECT apply them, before the state row,
/// so the whole reload commits or rolls back with the entry's state. NULL is a partition value
/// like any other (`IS` compares it).
struct PartitionReplace: Sendable, Equatable {
    /// The entry options schema the sink declares (ABI 1.2): `validate` refuses anything else.
    static let schema = PartitionReplaceOption.schema(description: PartitionReplaceOption.description)

    /// The partition columns, as the load's schema spells them.
    let columns: [String]

    /// Reads `replace_partitions` from the entry options of `request`, whose batch columns are
    /// `names` (nil: not known yet, `check_load`); nil when the entry does not ask for it.
    init?(_ request: LoadRequest, names: [String]?) throws(PluginError) {
        guard let found = try PartitionReplaceOption.columns(
            of: request, loadColumns: names, sameColumn: { SQLIdentifier.folded($0) == SQLIdentifier.folded($1) },
            quoted: SQLIdentifier.quoted)
        else { return nil }
        columns = found
    }

    /// The TEMP table the load's rows are staged in (private to the connection).
    static func stagingTable(for target: String) -> String { "_etl_partition_rows_" + target }

    /// The TEMP table of the load's distinct partition values.
    private static func valuesTable(for target: String) -> String { "_etl_partition_values_" + target }

    /// Creates the (empty) staging table: columns without a declared type keep each value as
    /// bound, so the final INSERT converts it by the target's affinity exactly as a direct insert.
    static func createStaging(for target: String, columns: [String]) -> String {
        let staging = "temp." + SQLIdentifier.quoted(stagingTable(for: target))
        return "DROP TABLE IF EXISTS \(staging); CREATE TABLE \(staging) (\(columns.map(SQLIdentifier.quoted).joined(separator: ", ")))"
    }

    /// At commit: deletes the target's rows of the staged partitions, moves the staged rows in and
    /// drops the TEMP tables, on `connection` inside the load's transaction. `columns`: the load's.
    func apply(target: String, columns: [String], connection: SQLiteConnection) throws(PluginError) {
        let staging = "temp." + SQLIdentifier.quoted(Self.stagingTable(for: target))
        let values = "temp." + SQLIdentifier.quoted(Self.valuesTable(for: target))
        let valueIndex = "temp." + SQLIdentifier.quoted(Self.valuesTable(for: target) + "_index")
        let table = "main." + SQLIdentifier.quoted(target)
        let partition = self.columns.map(SQLIdentifier.quoted).joined(separator: ", ")
        let all = columns.map(SQLIdentifier.quoted).joined(separator: ", ")
        try connection.execute("""
            DROP TABLE IF EXISTS \(values);
            CREATE TABLE \(values) AS SELECT DISTINCT \(partition) FROM \(staging);
            CREATE INDEX \(valueIndex) ON \(SQLIdentifier.quoted(Self.valuesTable(for: target))) (\(partition));
            """, table: target)
        // `IN` finds the partitions without a NULL through an index on the target's partition
        // columns when there is one; `IN` never matches NULL, so partitions holding a NULL take
        // a second DELETE comparing with `IS`, run only when the load has such a partition.
        try connection.execute("DELETE FROM \(table) WHERE (\(partition)) IN (SELECT \(partition) FROM \(values))", table: target)
        let anyNull = self.columns.map { "\(SQLIdentifier.quoted($0)) IS NULL" }.joined(separator: " OR ")
        if try connection.integer("SELECT count(*) FROM \(values) WHERE \(anyNull)", table: target) > 0 {
            let withNull = self.columns.map { "v.\(SQLIdentifier.quoted($0)) IS NULL" }.joined(separator: " OR ")
            let match = self.columns.map { "v.\(SQLIdentifier.quoted($0)) IS t.\(SQLIdentifier.quoted($0))" }.joined(separator: " AND ")
            try connection.execute("DELETE FROM \(table) AS t WHERE EXISTS (SELECT 1 FROM \(values) AS v WHERE (\(withNull)) AND \(match))",
                                   table: target)
        }
        try connection.execute("""
            INSERT INTO \(table) (\(all)) SELECT \(all) FROM \(staging);
            DROP TABLE \(values);
            DROP TABLE \(staging);
            """, table: target)
    }
}
