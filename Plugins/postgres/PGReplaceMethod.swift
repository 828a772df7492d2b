import ETLPluginKit

/// How a `replace` empties a table that holds rows: the entry option `replace_by`.
///
/// - `delete` (the default): `DELETE FROM` in the load's transaction. Readers go on reading the
///   old rows until the commit, under MVCC; the old rows stay in the table as dead rows until a
///   VACUUM, so a table replaced whole is about twice its size between vacuums, and the DELETE
///   writes a WAL record per old row.
/// - `truncate`: `TRUNCATE` in the load's transaction, then `COPY ... FREEZE`. The old rows go
///   with their file at commit (no dead rows, no VACUUM to come) and the new ones are stored
///   frozen and all-visible (their first readers write no hint bits). The price: TRUNCATE locks
///   the table until the commit, so readers wait for the load instead of reading the old rows,
///   and a REPEATABLE READ transaction that began before the commit sees the table empty
///   (PostgreSQL's TRUNCATE is not MVCC-safe). A failed or killed load still keeps the old rows.
///   A table another table's foreign key references cannot be truncated: it is replaced by delete.
/// - `swap`: the rows go into a new table over several connections at once, which the commit puts
///   in the old one's place (PGSwapLoad): the fastest for big tables, as several server backends
///   store the rows. Readers read the old rows during the load; the swap waits for transactions
///   that read the old table, and new readers wait for the swap; like TRUNCATE, a REPEATABLE READ
///   transaction that began before the commit and reads the table after it sees it empty.
///   Indexes, key and check constraints and defaults are built again on the new table; a target
///   with other dependent objects (views, triggers, foreign keys, ...) is replaced by `delete`.
enum PGReplaceMethod: String, Sendable {
    case delete, truncate, swap

    static let option = "replace_by"

    /// The JSON member the sink's entry options schema declares (see PGPartitionReplace.schema).
    static let schemaProperty = #"""
        "replace_by": {
          "enum": ["delete", "truncate", "swap"], "x-etl-write-modes": ["replace"],
          "description": "With write replace, how the old rows go: delete (default: readers see the old rows until the commit; dead rows until VACUUM), truncate (no dead rows, new rows stored frozen; readers wait for the load) or swap (new rows copied into a new table over several connections at once, put in the old one's place at commit, its indexes and constraints built again; readers read the old rows meanwhile; a target with views, triggers, foreign keys or other dependent objects is replaced by delete)."
        }
        """#

    /// The method `request` asks for: `delete` unless its entry options say otherwise.
    /// - Throws: `ETL_INVALID_CONFIG` for an unknown method or a write mode other than replace
    ///   (both of which `validate` already refuses, from the schema).
    init(_ request: LoadRequest) throws(PluginError) {
        guard let asked = try request.entryOptions().optionalString(Self.option) else {
            self = .delete
            return
        }
        guard let method = PGReplaceMethod(rawValue: asked) else {
            throw .invalidConfig("options.replace_by is \"\(asked)\"; expected \"delete\", \"truncate\" or \"swap\"")
        }
        guard request.writeMode == .replace else {
            throw .invalidConfig("options.replace_by applies to write mode replace only, and the load into \(request.target) is \(request.writeMode); remove replace_by or set \"write\": \"replace\"")
        }
        self = method
    }
}
