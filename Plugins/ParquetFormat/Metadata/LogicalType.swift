import ETLThrift

/// The unit of a TIME or TIMESTAMP logical type.
public enum ParquetTimeUnit: Sendable, Hashable {
    case millis, micros, nanos
}

/// A schema element's logical type (parquet.thrift `LogicalType` union), the modern annotation
/// that supersedes `converted_type`. Types this reader has no use for are kept as `.other` with
/// their union field id, so a message can name them.
public enum ParquetLogicalType: Sendable, Hashable {
    case string, map, list, `enum`
    case decimal(scale: Int, precision: Int)
    case date
    case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int, isSigned: Bool)
    case unknown
    case json, bson, uuid, float16
    case other(fieldID: Int16)
}

extension ParquetLogicalType: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        var result: ParquetLogicalType?
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            guard type == .struct else { return false }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enum
            case 5:
                var scale: Int32?, precision: Int32?
                try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
                    switch (id, type) {
                    case (1, .i32): scale = try reader.readI32()
                    case (2, .i32): precision = try reader.readI32()
                    default: return false
                    }
                    return true
                }
                guard let scale, let precision else { throw reader.missing("scale and precision", in: "DecimalType") }
                result = .decimal(scale: Int(scale), precision: Int(precision))
                return true
            case 6: result = .date
            case 7, 8:
                let (adjusted, unit) = try Self.readTimeFields(&reader, name: id == 7 ? "TimeType" : "TimestampType")
                result = id == 7 ? .time(isAdjustedToUTC: adjusted, unit: unit) : .timestamp(isAdjustedToUTC: adjusted, unit: unit)
                return true
            case 10:
                var width: Int8?, signed: Bool?
                try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
                    switch (id, type) {
                    case (1, .byte): width = try reader.readI8()
                    case (2, .booleanTrue), (2, .booleanFalse): signed = try reader.readBool()
                    default: return false
                    }
                    return true
                }
                guard let width, let signed else { throw reader.missing("bitWidth and isSigned", in: "IntType") }
                result = .integer(bitWidth: Int(width), isSigned: signed)
                return true
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .other(fieldID: id)
            }
            try reader.skip(.struct)
            return true
        }
        guard let result else { throw reader.missing("a member", in: "LogicalType") }
        self = result
    }

    private static func readTimeFields(_ reader: inout ThriftCompactReader, name: String) throws(ThriftDecodingError) -> (Bool, ParquetTimeUnit) {
        var adjusted: Bool?, unit: ParquetTimeUnit?
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .booleanTrue), (1, .booleanFalse): adjusted = try reader.readBool()
            case (2, .struct):
                try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
                    guard type == .struct else { return false }
                    switch id {
                    case 1: unit = .millis
                    case 2: unit = .micros
                    case 3: unit = .nanos
                    default: break
                    }
                    try reader.skip(.struct)
                    return true
                }
            default: return false
            }
            return true
        }
        guard let adjusted, let unit else { throw reader.missing("isAdjustedToUTC and a known unit", in: name) }
        return (adjusted, unit)
    }
}
