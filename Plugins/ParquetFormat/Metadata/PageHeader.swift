import ETLThrift

/// A data page (v1) header: values, and the encodings of values and levels.
public struct ParquetDataPageHeader: Sendable, ThriftDecodable {
    public var numValues: Int32 = 0
    public var encodingNumber: Int32 = 0
    public var definitionLevelEncodingNumber: Int32 = 0
    public var repetitionLevelEncodingNumber: Int32 = 0

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): numValues = try reader.readI32()
            case (2, .i32): encodingNumber = try reader.readI32()
            case (3, .i32): definitionLevelEncodingNumber = try reader.readI32()
            case (4, .i32): repetitionLevelEncodingNumber = try reader.readI32()
            default: return false
            }
            return true
        }
    }
}

/// A data page v2 header: levels are stored uncompressed before the (maybe compressed) values.
public struct ParquetDataPageHeaderV2: Sendable, ThriftDecodable {
    public var numValues: Int32 = 0
    public var numNulls: Int32 = 0
    public var numRows: Int32 = 0
    public var encodingNumber: Int32 = 0
    public var definitionLevelsByteLength: Int32 = 0
    public var repetitionLevelsByteLength: Int32 = 0
    public var isCompressed = true

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): numValues = try reader.readI32()
            case (2, .i32): numNulls = try reader.readI32()
            case (3, .i32): numRows = try reader.readI32()
            case (4, .i32): encodingNumber = try reader.readI32()
            case (5, .i32): definitionLevelsByteLength = try reader.readI32()
            case (6, .i32): repetitionLevelsByteLength = try reader.readI32()
            case (7, .booleanTrue), (7, .booleanFalse): isCompressed = try reader.readBool()
            default: return false
            }
            return true
        }
    }
}

/// A dictionary page header: the dictionary's values, PLAIN-encoded.
public struct ParquetDictionaryPageHeader: Sendable, ThriftDecodable {
    public var numValues: Int32 = 0
    public var encodingNumber: Int32 = 0

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): numValues = try reader.readI32()
            case (2, .i32): encodingNumber = try reader.readI32()
            default: return false
            }
            return true
        }
    }
}

/// The header before every page (parquet.thrift `PageHeader`).
public struct ParquetPageHeader: Sendable, ThriftDecodable {
    public var typeNumber: Int32 = -1
    public var uncompressedPageSize: Int32 = 0
    public var compressedPageSize: Int32 = 0
    public var dataPage: ParquetDataPageHeader?
    public var dictionaryPage: ParquetDictionaryPageHeader?
    public var dataPageV2: ParquetDataPageHeaderV2?

    public var type: ParquetPageType? { ParquetPageType(rawValue: typeNumber) }

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var seen = Set<Int16>()
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): typeNumber = try reader.readI32()
            case (2, .i32): uncompressedPageSize = try reader.readI32()
            case (3, .i32): compressedPageSize = try reader.readI32()
            case (5, .struct): dataPage = try reader.read(ParquetDataPageHeader.self)
            case (7, .struct): dictionaryPage = try reader.read(ParquetDictionaryPageHeader.self)
            case (8, .struct): dataPageV2 = try reader.read(ParquetDataPageHeaderV2.self)
            default: return false
            }
            seen.insert(id)
            return true
        }
        guard seen.isSuperset(of: [1, 2, 3]) else { throw reader.missing("type and page sizes", in: "PageHeader") }
        guard uncompressedPageSize >= 0, compressedPageSize >= 0 else {
            throw ThriftDecodingError("a page header has a negative page size", offset: reader.position)
        }
    }

    /// Decodes a header from `bytes` at `offset`; returns it and the offset after it.
    public static func decode(_ bytes: [UInt8], at offset: Int) throws(ThriftDecodingError) -> (ParquetPageHeader, Int) {
        var reader = ThriftCompactReader(bytes, offset: offset)
        let header = try reader.read(ParquetPageHeader.self)
        return (header, reader.position)
    }
}
