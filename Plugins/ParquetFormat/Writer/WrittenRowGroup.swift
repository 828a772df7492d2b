import ETLThrift

/// parquet.thrift's `RowGroup`: one column chunk per leaf column, in schema order.
struct WrittenRowGroup: Sendable, Equatable {
    var columns: [WrittenColumnChunk]
    var numRows: Int64
    /// Offset of the row group's first page.
    var fileOffset: Int64
    var ordinal: Int16

    func encode(_ writer: inout ThriftCompactWriter) {
        writer.writeField(1, structList: columns) { element, column in column.encode(&element) }
        writer.writeField(2, i64: columns.reduce(0) { $0 + $1.totalUncompressedSize })
        writer.writeField(3, i64: numRows)
        writer.writeField(5, i64: fileOffset)
        writer.writeField(6, i64: columns.reduce(0) { $0 + $1.totalCompressedSize })
        writer.writeField(7, i16: ordinal)
    }
}
