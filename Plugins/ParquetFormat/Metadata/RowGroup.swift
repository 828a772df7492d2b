import ETLThrift

/// A column chunk's metadata (parquet.thrift `ColumnMetaData`): where its pages are and how
/// they are compressed.
public struct ParquetColumnMetaData: Sendable, ThriftDecodable {
    public var physicalTypeNumber: Int32 = -1
    public var encodingNumbers: [Int32] = []
    public var pathInSchema: [String] = []
    public var codecNumber: Int32 = -1
    public var numValues: Int64 = 0
    public var totalUncompressedSize: Int64 = 0
    public var totalCompressedSize: Int64 = 0
    public var dataPageOffset: Int64 = 0
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: ParquetStatistics?

    public var codec: ParquetCompressionCodec? { ParquetCompressionCodec(rawValue: codecNumber) }

    /// Where the chunk's first page starts: the dictionary page when there is one. Some writers
    /// set `dictionary_page_offset` to 0 when there is none, which is never a page's offset.
    public var firstPageOffset: Int64 {
        if let dictionaryPageOffset, dictionaryPageOffset > 0, dictionaryPageOffset < dataPageOffset { return dictionaryPageOffset }
        return dataPageOffset
    }

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var seen = Set<Int16>()
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): physicalTypeNumber = try reader.readI32()
            case (2, .list): encodingNumbers = try reader.readList(of: .i32) { (r: inout ThriftCompactReader) throws(ThriftDecodingError) in try r.readI32() }
            case (3, .list): pathInSchema = try reader.readList(of: .binary) { (r: inout ThriftCompactReader) throws(ThriftDecodingError) in try r.readString() }
            case (4, .i32): codecNumber = try reader.readI32()
            case (5, .i64): numValues = try reader.readI64()
            case (6, .i64): totalUncompressedSize = try reader.readI64()
            case (7, .i64): totalCompressedSize = try reader.readI64()
            case (9, .i64): dataPageOffset = try reader.readI64()
            case (10, .i64): indexPageOffset = try reader.readI64()
            case (11, .i64): dictionaryPageOffset = try reader.readI64()
            case (12, .struct): statistics = try reader.read(ParquetStatistics.self)
            default: return false
            }
            seen.insert(id)
            return true
        }
        for (id, name) in [(1, "type"), (3, "path_in_schema"), (4, "codec"), (5, "num_values"), (7, "total_compressed_size"), (9, "data_page_offset")]
        where !seen.contains(Int16(id)) {
            throw reader.missing(name, in: "ColumnMetaData")
        }
    }
}

/// One column of one row group (parquet.thrift `ColumnChunk`).
public struct ParquetColumnChunk: Sendable, ThriftDecodable {
    /// Set when the chunk lives in another file, which this reader does not follow.
    public var filePath: String?
    public var fileOffset: Int64 = 0
    public var metaData: ParquetColumnMetaData?
    /// Set when the column is encrypted with its own key.
    public var isEncrypted = false

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .binary): filePath = try reader.readString()
            case (2, .i64): fileOffset = try reader.readI64()
            case (3, .struct): metaData = try reader.read(ParquetColumnMetaData.self)
            case (8, .struct), (9, .binary): isEncrypted = true; return false
            default: return false
            }
            return true
        }
    }
}

/// A horizontal slice of the file (parquet.thrift `RowGroup`): one chunk per leaf column.
public struct ParquetRowGroup: Sendable, ThriftDecodable {
    public var columns: [ParquetColumnChunk] = []
    public var totalByteSize: Int64 = 0
    public var numRows: Int64 = 0

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var sawRows = false
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .list): columns = try reader.readStructList(ParquetColumnChunk.self)
            case (2, .i64): totalByteSize = try reader.readI64()
            case (3, .i64): numRows = try reader.readI64(); sawRows = true
            default: return false
            }
            return true
        }
        guard sawRows else { throw reader.missing("num_rows", in: "RowGroup") }
    }
}
