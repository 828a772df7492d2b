import ETLPluginKit

/// The statements that move a merge's, scd2's or partition replace's staged rows into the target at commit, inside
/// the load's transaction.
struct PGStagedApply: Sendable {
    /// merge with deletes: the DELETE of keys whose last row is flagged.
    var deleteSQL: String?
    /// merge: the upsert of the last row of each key.
    var upsertSQL: String?
    /// merge: the same rows inserted without conflict handling, used when the target is empty
    /// (checked under a lock that keeps other writers out until commit).
    var insertIntoEmptySQL: String?
    /// scd2: the function applying the rows in order, created at commit.
    var scd2: SCD2SQL.Plan?
    /// append with replace_partitions: the partitions to replace, and the load's columns.
    var partitions: (replace: PGPartitionReplace, columns: [String])?

    /// Runs the statements; returns the rows the target gained, changed or lost (scd2: versions
    /// inserted, or closed by a delete flag), and the versions close_missing closed.
    func run(on connection: PostgresConnection, target: String) throws(PluginError) -> (affected: Int64, closedMissing: Int64) {
        var affected: Int64 = 0
        var closedMissing: Int64 = 0
        if let deleteSQL {
            affected += try connection.query(deleteSQL, what: "deleting the keys flagged by delete_when from \(target)").affected
        }
        if let upsertSQL {
            var statement = upsertSQL
            if let insertIntoEmptySQL {
                try connection.execute(MergeSQL.lockAgainstWriters(target: target), what: "locking \(target) against other writers")
                if try connection.query(MergeSQL.isEmpty(target: target), what: "checking whether \(target) is empty").rows.first?.first == "t" {
                    statement = insertIntoEmptySQL
                }
            }
            affected += try connection.query(statement, what: "merging the staged rows into \(target)").affected
        }
        if let partitions {
            affected += try partitions.replace.apply(target: target, columns: partitions.columns, connection: connection)
        }
        if let plan = scd2 {
            if let column = plan.validFromColumn,
               let row = try connection.query(SCD2SQL.firstNullValidFrom(column), what: "checking valid_from_column of the load into \(target)").rows.first?.first ?? nil {
                throw .badData("target \(target): row \(row) of the load has NULL in valid_from_column \(PGIdentifier.quoted(column)), so its version would have no start; the load was rolled back. Fill the column in the source or filter such rows out")
            }
            try connection.execute(SCD2SQL.createFunction(plan), what: "creating the scd2 function of the load into \(target)")
            let result = try connection.query("SELECT \(SCD2SQL.function)(transaction_timestamp())", what: "applying the scd2 versions to \(target)")
            affected += Int64(result.rows.first?.first.flatMap { $0 } ?? "0") ?? 0
            if plan.closeMissing {
                closedMissing = try connection.query(SCD2SQL.closeMissing(plan), what: "closing the keys missing from the snapshot loaded into \(target)").affected
            }
        }
        return (affected, closedMissing)
    }
}
