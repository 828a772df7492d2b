import ETLArrow

/// How one leaf column's physical values become values of an ABI Arrow type (see the plugin's
/// README for the table). Chosen from the schema alone, before any page is read.
public enum LeafConversion: Sendable, Hashable {
    case boolean
    /// INT32 (signed annotations or none) → int64.
    case int32
    /// INT32 annotated UINT_8/16/32 → int64, read as unsigned.
    case uint32
    case int64
    /// INT64 annotated UINT_64 → decimal(20,0): every unsigned 64-bit value fits, none fails.
    case uint64
    /// FLOAT → double.
    case float
    case double
    /// FIXED_LEN_BYTE_ARRAY(2) annotated FLOAT16 → double.
    case float16
    /// BYTE_ARRAY annotated STRING, ENUM or JSON → utf8, validated.
    case utf8
    /// Any other byte array → binary.
    case binary
    /// DECIMAL on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY → decimal128.
    case decimal(precision: Int, scale: Int)
    /// DATE (INT32 days) → date32.
    case date
    /// TIMESTAMP on INT64 → timestamp[us, UTC]; nanoseconds rounded down to the microsecond.
    case timestamp(ParquetTimeUnit)
    /// INT96 (legacy Impala/Spark timestamps) → timestamp[us, UTC], nanoseconds rounded down.
    case int96
    /// TIME (INT32 millis, INT64 micros or nanos) → utf8 `HH:MM:SS.ffffff`.
    case time(ParquetTimeUnit)
    /// UUID (FIXED_LEN_BYTE_ARRAY(16)) → utf8 `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    case uuid
    /// UNKNOWN (always null) → null.
    case null

    /// The Arrow type the column loads as.
    public var arrowType: ArrowColumnType {
        switch self {
        case .boolean: .bool
        case .int32, .uint32, .int64: .int64
        case .uint64: .decimal128(precision: 20, scale: 0)
        case .float, .double, .float16: .double
        case .utf8, .time, .uuid: .utf8
        case .binary: .binary
        case .decimal(let precision, let scale): .decimal128(precision: precision, scale: scale)
        case .date: .date32
        case .timestamp, .int96: .timestampMicrosecondsUTC
        case .null: .null
        }
    }

    /// The conversion of a leaf, or why it has none. `path` names the column in messages.
    public static func of(_ element: ParquetSchemaElement, path: String) throws(ParquetReadError) -> LeafConversion {
        guard let physical = element.physicalType else {
            throw ParquetReadError(.unsupported, "column \(path) has physical type number \(element.physicalTypeNumber ?? -1), unknown to this reader")
        }
        func unsupported(_ what: String) -> ParquetReadError {
            ParquetReadError(.unsupported, "column \(path): \(what) is not supported")
        }
        if let logical = element.logicalType {
            switch logical {
            case .string, .enum, .json:
                guard physical == .byteArray else { throw unsupported("a STRING/ENUM/JSON annotation on \(physical)") }
                return .utf8
            case .decimal(let scale, let precision):
                return try decimal(physical, precision: precision, scale: scale, length: element.typeLength, path: path)
            case .date:
                guard physical == .int32 else { throw unsupported("DATE on \(physical)") }
                return .date
            case .time(_, let unit):
                guard (physical == .int32 && unit == .millis) || (physical == .int64 && unit != .millis) else { throw unsupported("TIME(\(unit)) on \(physical)") }
                return .time(unit)
            case .timestamp(_, let unit):
                guard physical == .int64 else { throw unsupported("TIMESTAMP on \(physical)") }
                return .timestamp(unit)
            case .integer(let width, let signed):
                switch (physical, signed) {
                case (.int32, true): return .int32
                case (.int32, false): return .uint32
                case (.int64, true): return .int64
                case (.int64, false): return width == 64 ? .uint64 : .int64
                default: throw unsupported("INTEGER(\(width), \(signed ? "signed" : "unsigned")) on \(physical)")
                }
            case .uuid:
                guard physical == .fixedLenByteArray, element.typeLength == 16 else { throw unsupported("UUID on \(physical)") }
                return .uuid
            case .float16:
                guard physical == .fixedLenByteArray, element.typeLength == 2 else { throw unsupported("FLOAT16 on \(physical)") }
                return .float16
            case .unknown:
                return .null
            case .bson:
                return .binary
            case .map, .list:
                throw unsupported("a \(logical == .map ? "MAP" : "LIST") annotation on a leaf")
            case .other:
                // A logical type newer than this reader: fall back to the physical type, which
                // is still correct data (e.g. VARIANT's binary).
                break
            }
        } else if let converted = element.convertedType {
            switch converted {
            case .utf8, .enum, .json:
                guard physical == .byteArray else { throw unsupported("a UTF8/ENUM/JSON annotation on \(physical)") }
                return .utf8
            case .decimal:
                return try decimal(physical, precision: Int(element.precision ?? 0), scale: Int(element.scale ?? 0), length: element.typeLength, path: path)
            case .date: return physical == .int32 ? .date : .int32
            case .timeMillis: return .time(.millis)
            case .timeMicros: return .time(.micros)
            case .timestampMillis: return .timestamp(.millis)
            case .timestampMicros: return .timestamp(.micros)
            case .uint8, .uint16, .uint32: return physical == .int32 ? .uint32 : .int64
            case .uint64: return physical == .int64 ? .uint64 : .uint32
            case .int8, .int16, .int32, .int64: break
            case .bson, .interval: return .binary
            case .map, .mapKeyValue, .list: throw unsupported("a MAP/LIST annotation on a leaf")
            }
        }
        switch physical {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .int96: return .int96
        case .float: return .float
        case .double: return .double
        case .byteArray, .fixedLenByteArray: return .binary
        }
    }

    private static func decimal(_ physical: ParquetPhysicalType, precision: Int, scale: Int, length: Int32?, path: String) throws(ParquetReadError) -> LeafConversion {
        guard precision >= 1, scale >= 0, scale <= precision else {
            throw ParquetReadError(.corrupt, "column \(path) is DECIMAL(\(precision), \(scale)), which is not a valid decimal")
        }
        guard precision <= ArrowDecimal.maximumPrecision else {
            throw ParquetReadError(.unsupported, "column \(path) is DECIMAL(\(precision), \(scale)); decimal128 holds at most \(ArrowDecimal.maximumPrecision) digits. Leave it out with \"columns\", or cast it when writing the file")
        }
        switch physical {
        case .int32, .int64, .byteArray: break
        case .fixedLenByteArray:
            guard let length, length > 0 else { throw ParquetReadError(.corrupt, "column \(path) is a FIXED_LEN_BYTE_ARRAY without a length") }
        default:
            throw ParquetReadError(.unsupported, "column \(path): DECIMAL on \(physical) is not supported")
        }
        return .decimal(precision: precision, scale: scale)
    }
}
