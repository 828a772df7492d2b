import ETLArrow
import ETLPluginKit

/// The entry option `replace_partitions` (the sqlite sink's rule, with PostgreSQL's exact column
/// names): an `append` that first deletes, in the load's transaction, the target's rows whose
/// partition columns hold a value combination the load delivers — delete-and-reload of
/// re-exported partitions, so a rerun never duplicates and a row dropped from the new export is
/// gone. Partitions the load lacks are left alone.
///
/// The rows are copied into merge's TEMP staging table; at commit a DELETE against the load's
/// distinct partition values (and a second one for partitions holding a NULL, when the load has
/// any) and one INSERT ... SELECT apply them before the state row is
/// written, so the reload commits or rolls back with the entry's state (a killed worker's
/// transaction leaves the old partition). NULL is a partition value like any other.
struct PGPartitionReplace: Sendable, Equatable {
    /// The entry options schema the sink declares (ABI 1.2), with `replace_by` beside it:
    /// `validate` refuses anything else.
    static let schema = PartitionReplaceOption.schema(description: PartitionReplaceOption.description,
                                                      otherProperties: PGReplaceMethod.schemaProperty)

    /// The partition columns.
    let columns: [String]

    /// Reads `replace_partitions` from the entry options of `request`, whose stored columns are
    /// `fields` (nil: not known yet, `check_load`); nil when the entry does not ask for it.
    init?(_ request: LoadRequest, fields: [ArrowField]?) throws(PluginError) {
        guard let found = try PartitionReplaceOption.columns(of: request, loadColumns: fields?.map(\.name), quoted: PGIdentifier.quoted)
        else { return nil }
        columns = found
    }

    /// At commit, on `connection` inside the load's transaction: deletes the target's rows of the
    /// staged partitions and inserts the staged rows in arrival order; returns the rows inserted.
    /// `target` is schema-qualified and quoted; `columns` are the load's.
    func apply(target: String, columns: [String], connection: PostgresConnection) throws(PluginError) -> Int64 {
        let staging = "pg_temp.\(MergeSQL.stagingTable)"
        let partition = self.columns.map(PGIdentifier.quoted).joined(separator: ", ")
        // `IN` is a hashed or indexed semi-join (an index on the target's partition columns is
        // used), but never matches NULL: partitions holding a NULL take a second DELETE with
        // IS NOT DISTINCT FROM, run only when the load has such a partition.
        _ = try connection.query("DELETE FROM \(target) WHERE (\(partition)) IN (SELECT DISTINCT \(partition) FROM \(staging))",
                                 what: "deleting the old rows of the loaded partitions from \(target)")
        let anyNull = self.columns.map { "\(PGIdentifier.quoted($0)) IS NULL" }.joined(separator: " OR ")
        let withNull = try connection.query("SELECT EXISTS (SELECT 1 FROM \(staging) WHERE \(anyNull))",
                                            what: "looking for loaded partitions with a NULL in \(target)")
        if withNull.rows.first?.first == "t" {
            let match = self.columns.map { "tgt.\(PGIdentifier.quoted($0)) IS NOT DISTINCT FROM loaded.\(PGIdentifier.quoted($0))" }
                .joined(separator: " AND ")
            _ = try connection.query("""
                DELETE FROM \(target) AS tgt USING (SELECT DISTINCT \(partition) FROM \(staging) WHERE \(anyNull)) AS loaded \
                WHERE \(match)
                """, what: "deleting the old rows of the loaded partitions with a NULL from \(target)")
        }
        let list = columns.map(PGIdentifier.quoted).joined(separator: ", ")
        return try connection.query("INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(staging) ORDER BY _etl_seq",
                                    what: "inserting the reloaded partitions into \(target)").affected
    }
}
