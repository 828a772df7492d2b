import ETLThrift

/// parquet.thrift's `ColumnChunk` with its `ColumnMetaData`: where one column's pages of one row
/// group lie in the file and what they hold.
struct WrittenColumnChunk: Sendable, Equatable {
    var type: ParquetPhysicalType
    var encodings: [ParquetEncoding]
    var path: [String]
    var codec: ParquetCompressionCodec
    /// Values including nulls.
    var numValues: Int64
    /// Bytes of all pages with their headers, before and after compression.
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: WrittenStatistics

    func encode(_ writer: inout ThriftCompactWriter) {
        // file_offset is deprecated: the spec asks writers to set 0 when the metadata is in the footer.
        writer.writeField(2, i64: 0)
        writer.writeField(3) { meta in
            meta.writeField(1, i32: type.rawValue)
            meta.writeField(2, i32List: encodings.map(\.rawValue))
            meta.writeField(3, stringList: path)
            meta.writeField(4, i32: codec.rawValue)
            meta.writeField(5, i64: numValues)
            meta.writeField(6, i64: totalUncompressedSize)
            meta.writeField(7, i64: totalCompressedSize)
            meta.writeField(9, i64: dataPageOffset)
            if let dictionaryPageOffset { meta.writeField(11, i64: dictionaryPageOffset) }
            meta.writeField(12) { statistics.encode(&$0) }
        }
    }
}
