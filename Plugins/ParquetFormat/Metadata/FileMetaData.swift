import ETLThrift

/// The file footer (parquet.thrift `FileMetaData`): the schema and the row groups.
public struct ParquetFileMetaData: Sendable, ThriftDecodable {
    public var version: Int32 = 0
    /// The schema tree flattened depth-first; the first element is the root.
    public var schema: [ParquetSchemaElement] = []
    public var numRows: Int64 = 0
    public var rowGroups: [ParquetRowGroup] = []
    public var keyValueMetadata: [(key: String, value: String?)] = []
    public var createdBy: String?
    /// Set when the footer says the file is encrypted (plaintext-footer mode).
    public var isEncrypted = false

    /// Decodes a footer from its bytes.
    public init(decoding bytes: [UInt8]) throws(ThriftDecodingError) {
        var reader = ThriftCompactReader(bytes)
        self = try reader.read(ParquetFileMetaData.self)
    }

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var sawSchema = false
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): version = try reader.readI32()
            case (2, .list): schema = try reader.readStructList(ParquetSchemaElement.self); sawSchema = true
            case (3, .i64): numRows = try reader.readI64()
            case (4, .list): rowGroups = try reader.readStructList(ParquetRowGroup.self)
            case (5, .list):
                keyValueMetadata = try reader.readList(of: .struct) { (reader: inout ThriftCompactReader) throws(ThriftDecodingError) in
                    var key = "", value: String?
                    try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
                        switch (id, type) {
                        case (1, .binary): key = try reader.readString()
                        case (2, .binary): value = try reader.readString()
                        default: return false
                        }
                        return true
                    }
                    return (key, value)
                }
            case (6, .binary): createdBy = try reader.readString()
            case (8, .struct): isEncrypted = true; return false
            default: return false
            }
            return true
        }
        guard sawSchema, !schema.isEmpty else { throw reader.missing("schema", in: "FileMetaData") }
    }
}
