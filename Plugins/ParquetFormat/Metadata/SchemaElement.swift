import ETLThrift

/// One node of the file's flattened schema tree (parquet.thrift `SchemaElement`): a group when
/// `numChildren` is set, else a leaf column with a physical type.
public struct ParquetSchemaElement: Sendable, ThriftDecodable {
    /// The raw physical type number (nil for groups); see `physicalType`.
    public var physicalTypeNumber: Int32?
    public var typeLength: Int32?
    public var repetitionNumber: Int32?
    public var name: String = ""
    public var numChildren: Int32?
    public var convertedTypeNumber: Int32?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldID: Int32?
    public var logicalType: ParquetLogicalType?

    public var physicalType: ParquetPhysicalType? { physicalTypeNumber.flatMap(ParquetPhysicalType.init(rawValue:)) }
    public var convertedType: ParquetConvertedType? { convertedTypeNumber.flatMap(ParquetConvertedType.init(rawValue:)) }
    /// The repetition, `required` when absent (the root).
    public var repetition: ParquetRepetition { repetitionNumber.flatMap(ParquetRepetition.init(rawValue:)) ?? .required }

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var sawName = false
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .i32): physicalTypeNumber = try reader.readI32()
            case (2, .i32): typeLength = try reader.readI32()
            case (3, .i32): repetitionNumber = try reader.readI32()
            case (4, .binary): name = try reader.readString(); sawName = true
            case (5, .i32): numChildren = try reader.readI32()
            case (6, .i32): convertedTypeNumber = try reader.readI32()
            case (7, .i32): scale = try reader.readI32()
            case (8, .i32): precision = try reader.readI32()
            case (9, .i32): fieldID = try reader.readI32()
            case (10, .struct): logicalType = try reader.read(ParquetLogicalType.self)
            default: return false
            }
            return true
        }
        guard sawName else { throw reader.missing("name", in: "SchemaElement") }
    }
}

extension ParquetSchemaElement {
    /// A leaf element built in code (for tests and writers), not decoded from a file.
    public static func make(name: String, type: ParquetPhysicalType, repetition: ParquetRepetition = .optional) -> ParquetSchemaElement {
        ParquetSchemaElement(name: name, physicalTypeNumber: type.rawValue, repetitionNumber: repetition.rawValue)
    }

    private init(name: String, physicalTypeNumber: Int32, repetitionNumber: Int32) {
        self.name = name
        self.physicalTypeNumber = physicalTypeNumber
        self.repetitionNumber = repetitionNumber
    }
}
