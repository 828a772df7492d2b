import ETLThrift

/// parquet.thrift's `SchemaElement`, as the writer fills it: the root (a group with
/// `numChildren`) or an optional leaf column.
struct WrittenSchemaElement: Sendable, Equatable {
    var name: String
    var type: ParquetPhysicalType?
    var typeLength: Int32?
    var repetition: ParquetRepetition?
    var numChildren: Int32?
    var convertedType: ParquetConvertedType?
    var scale: Int32?
    var precision: Int32?
    var logicalType: WrittenLogicalType?

    func encode(_ writer: inout ThriftCompactWriter) {
        if let type { writer.writeField(1, i32: type.rawValue) }
        if let typeLength { writer.writeField(2, i32: typeLength) }
        if let repetition { writer.writeField(3, i32: repetition.rawValue) }
        writer.writeField(4, string: name)
        if let numChildren { writer.writeField(5, i32: numChildren) }
        if let convertedType { writer.writeField(6, i32: convertedType.rawValue) }
        if let scale { writer.writeField(7, i32: scale) }
        if let precision { writer.writeField(8, i32: precision) }
        if let logicalType { writer.writeField(10) { logicalType.encode(&$0) } }
    }
}
