import ETLThrift

/// parquet.thrift's `FileMetaData`, the footer: schema, row groups, writer name and the column
/// orders that give the statistics' min/max their meaning.
struct WrittenFileMetaData: Sendable, Equatable {
    /// The flattened schema: the root group first, then one leaf per column.
    var schema: [WrittenSchemaElement]
    var numRows: Int64
    var rowGroups: [WrittenRowGroup]
    var createdBy: String

    /// The footer's bytes (without the length and magic that follow it in the file).
    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.writeStruct { encode(&$0) }
        return writer.bytes
    }

    func encode(_ writer: inout ThriftCompactWriter) {
        // Version 1: the spec asks writers to put 1 for the widest compatibility.
        writer.writeField(1, i32: 1)
        writer.writeField(2, structList: schema) { element, node in node.encode(&element) }
        writer.writeField(3, i64: numRows)
        writer.writeField(4, structList: rowGroups) { element, group in group.encode(&element) }
        writer.writeField(6, string: createdBy)
        // One TYPE_ORDER per leaf column: without column_orders, min_value/max_value are undefined.
        let leaves = Array(schema.dropFirst())
        writer.writeField(7, structList: leaves) { element, _ in element.writeEmptyStructField(1) }
    }
}
