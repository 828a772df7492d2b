import ETLArrow
import ETLPluginKit

/// The entry option `replace_partitions` (the sqlite sink's rule, with PostgreSQL's exact column
/// names): an `append` that first deletes, in the load's transaction, the target's rows whose
/// partition columns hold a value combination the load delivers — delete-and-reload of
/// re-exported partitions, so a rerun never duplicates and a row dropped from the new export is
/// gone. Partitions the load lacks are left alone.
///
/// The rows are copied into merge's TEMP staging table; at commit one DELETE against the load's
/// distinct partition values and one INSERT ... SELECT apply them before the state row is
/// written, so the reload commits or rolls back with the entry's state (a killed worker's
/// transaction leaves the old partition). NULL is a partition value like any other.
struct PGPartitionReplace: Sendable, Equatable {
    /// The entry options schema the sink declares (ABI 1.2): `validate` refuses anything else.
    static let schema = #"""
        {
          "type": "object",
          "properties": {
            "replace_partitions": {
              "type": "array", "minItems": 1, "uniqueItems": true,
              "items": { "type": "string", "minLength": 1 },
              "description": "With write append: the columns that name a partition (such as [\"dt\"]); the target's rows of every partition the load delivers are deleted before its rows are inserted, in one transaction."
            }
          },
          "additionalProperties": false
        }
        """#

    /// The partition columns.
    let columns: [String]

    /// Reads `replace_partitions` from the entry options of `request`, whose stored columns are
    /// `fields`; nil when the entry does not ask for it.
    init?(_ request: LoadRequest, fields: [ArrowField]) throws(PluginError) {
        guard let asked = try request.entryOptions().optionalStringArray("replace_partitions") else { return nil }
        let target = PGIdentifier.quoted(request.target)
        guard request.writeMode == .append else {
            throw .invalidConfig("options.replace_partitions applies to write mode append only, and the load into \(target) is \(request.writeMode); set \"write\": \"append\" or remove replace_partitions")
        }
        guard !asked.isEmpty else {
            throw .invalidConfig("options.replace_partitions of the load into \(target) is empty; name the partition columns, such as [\"dt\"]")
        }
        for column in asked where !fields.contains(where: { $0.name == column }) {
            let list = fields.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
            throw .invalidConfig("options.replace_partitions column \(PGIdentifier.quoted(column)) is not among the columns of the load into \(target) (\(list)); fix replace_partitions or select the column")
        }
        guard Set(asked).count == asked.count else {
            throw .invalidConfig("options.replace_partitions of the load into \(target) names a column twice; list each partition column once")
        }
        columns = asked
    }

    /// Deletes the target's rows of every partition staged (`target` schema-qualified and quoted).
    func deleteSQL(target: String) -> String {
        let list = columns.map(PGIdentifier.quoted).joined(separator: ", ")
        let match = columns.map { "tgt.\(PGIdentifier.quoted($0)) IS NOT DISTINCT FROM loaded.\(PGIdentifier.quoted($0))" }
            .joined(separator: " AND ")
        return """
            DELETE FROM \(target) AS tgt USING (SELECT DISTINCT \(list) FROM pg_temp.\(MergeSQL.stagingTable)) AS loaded \
            WHERE \(match)
            """
    }

    /// Inserts the staged rows in arrival order.
    static func insertSQL(target: String, columns: [String]) -> String {
        let list = columns.map(PGIdentifier.quoted).joined(separator: ", ")
        return "INSERT INTO \(target) (\(list)) SELECT \(list) FROM pg_temp.\(MergeSQL.stagingTable) ORDER BY _etl_seq"
    }
}
