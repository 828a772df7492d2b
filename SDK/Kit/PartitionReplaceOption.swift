/// The entry option `replace_partitions` that the database sinks (sqlite, postgres, adbc) share:
/// an `append` that first deletes, in the load's transaction, the target's rows whose partition
/// columns hold a value combination the load delivers. Its schema and its reading live here, so
/// every sink accepts and refuses exactly the same manifests; how the rows are replaced is each
/// sink's own.
public enum PartitionReplaceOption {
    /// The entry options schema a sink declares for it (ABI 1.2). `x-etl-write-modes` lets
    /// `validate` refuse it on an entry whose write is not `append`. `otherProperties`: the
    /// sink's own options beside it, as JSON members (`"name": {...}`), or "".
    public static func schema(description: String, otherProperties: String = "") -> String {
        #"""
        {
          "type": "object",
          "properties": {
            "replace_partitions": {
              "type": "array", "minItems": 1, "uniqueItems": true, "x-etl-write-modes": ["append"],
              "items": { "type": "string", "minLength": 1 },
              "description": "\#(description)"
            }\#(otherProperties.isEmpty ? "" : ",\n" + otherProperties)
          },
          "additionalProperties": false
        }
        """#
    }

    /// The schema's description for a sink whose loads are always transactions.
    public static let description = "With write append: the columns that name a partition (such as [\\\"dt\\\"]); the target's rows of every partition the load delivers are deleted before its rows are inserted, in one transaction."

    /// The partition columns the entry asks for, each as the load's column spells it; nil when
    /// the entry does not ask.
    /// - Parameters:
    ///   - loadColumns: the load's column names; nil when they are not known yet (`check_load`
    ///     without a schema): the names asked for are then returned unchecked.
    ///   - sameColumn: whether a name asked for is a load column (the sink's identifier rules:
    ///     SQLite folds case, PostgreSQL does not).
    ///   - quoted: the sink's quoting of identifiers, for the messages.
    /// - Throws: `ETL_INVALID_CONFIG` for a write mode other than append (which `validate`
    ///   already refuses), no column, a column the load lacks, or one named twice.
    public static func columns(
        of request: LoadRequest, loadColumns: [String]?, sameColumn: (String, String) -> Bool = { $0 == $1 },
        quoted: (String) -> String
    ) throws(PluginError) -> [String]? {
        guard let asked = try request.entryOptions().optionalStringArray("replace_partitions") else { return nil }
        let target = quoted(request.target)
        guard request.writeMode == .append else {
            throw .invalidConfig("options.replace_partitions applies to write mode append only, and the load into \(target) is \(request.writeMode); set \"write\": \"append\" or remove replace_partitions")
        }
        guard !asked.isEmpty else {
            throw .invalidConfig("options.replace_partitions of the load into \(target) is empty; name the partition columns, such as [\"dt\"]")
        }
        guard let loadColumns else { return asked }
        var found: [String] = []
        for column in asked {
            guard let name = loadColumns.first(where: { sameColumn($0, column) }) else {
                let list = loadColumns.map(quoted).joined(separator: ", ")
                throw .invalidConfig("options.replace_partitions column \(quoted(column)) is not among the columns of the load into \(target) (\(list)); fix replace_partitions or select the column")
            }
            guard !found.contains(name) else {
                throw .invalidConfig("options.replace_partitions names column \(quoted(name)) twice; list each partition column once")
            }
            found.append(name)
        }
        return found
    }
}
