import Glibc
import ETLArrow
import ETLPluginKit

/// The values of a batch that PostgreSQL would refuse or its columns cannot hold, found before
/// any of the batch is encoded: a NUL in text, a NULL key of a merge, an integer outside an
/// `integer` or `smallint` column's range.
enum CopyValueCheck {
    /// - Throws: `ETL_BAD_DATA` naming the first such value: a NUL anywhere first, then the
    ///   earliest row with a NULL key or an out-of-range integer (the leftmost column of that row).
    static func refuseUnstorable(_ arrays: [ImportedColumn], columns: [CopyColumn], rowCount: Int, firstRow: Int64,
                                 target: String) throws(PluginError) {
        // PostgreSQL text cannot hold a NUL: one scan of each text column's bytes per batch,
        // which is much cheaper than a scan per value; only a hit looks for the row.
        for (index, plan) in columns.enumerated() where plan.encoding == .text || plan.encoding == .jsonb {
            let all = arrays[index].allValueBytes
            // (A null's slot may cover bytes too, which are no value: only a value's NUL counts.)
            if let start = all.baseAddress, memchr(start, 0, all.count) != nil,
               let row = (0..<rowCount).first(where: { !arrays[index].isNull($0) && arrays[index].bytes($0).contains(0) }) {
                throw .badData("target \(target): row \(firstRow + Int64(row) + 1), column \(PGIdentifier.quoted(plan.name)) holds a NUL character (U+0000), which PostgreSQL text cannot store; the load was rolled back. Remove it in the source or with a transform")
            }
        }
        var first: (row: Int, error: PluginError)?
        for (index, plan) in columns.enumerated() {
            let column = arrays[index]
            let rows = 0..<(first?.row ?? rowCount)
            if plan.isKey && !column.hasNoNulls, let row = rows.first(where: column.isNull) {
                first = (row, .badData("target \(target): row \(firstRow + Int64(row) + 1) of the load has NULL in primary key column \(PGIdentifier.quoted(plan.name)); a keyed load cannot place it, so the load was rolled back. Fill the key in the source or filter such rows out"))
                continue
            }
            let range: ClosedRange<Int64>, type: String
            switch plan.encoding {
            case .int4: (range, type) = (Int64(Int32.min)...Int64(Int32.max), "integer")
            case .int2: (range, type) = (Int64(Int16.min)...Int64(Int16.max), "smallint")
            default: continue
            }
            if let row = rows.first(where: { !column.isNull($0) && !range.contains(column.int64($0)) }) {
                first = (row, .badData("target \(target): row \(firstRow + Int64(row) + 1), column \(PGIdentifier.quoted(plan.name)) holds \(column.int64(row)), outside the range of the table's \(type) column; the load was rolled back. Widen the column (ALTER TABLE ... ALTER COLUMN ... TYPE bigint) or filter such rows out"))
            }
        }
        if let first { throw first.error }
    }
}
