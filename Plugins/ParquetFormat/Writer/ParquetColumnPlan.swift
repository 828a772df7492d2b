import ETLArrow

/// How one Arrow column of the ABI is stored in Parquet: physical type, annotations, and the
/// schema element that says so. Every column is optional (nullable), since any ABI column may hold nulls.
struct ParquetColumnPlan: Sendable {
    let name: String
    let arrowType: ArrowColumnType
    let physicalType: ParquetPhysicalType
    /// Bytes per value of a FIXED_LEN_BYTE_ARRAY (decimals above 18 digits).
    let fixedLength: Int?
    let schemaElement: WrittenSchemaElement

    /// Whether the column starts dictionary-encoded (see `ColumnChunkBuilder`): every type but
    /// booleans (one bit each already) and null columns (no values).
    var prefersDictionary: Bool { physicalType != .boolean && arrowType != .null }

    init(_ field: ArrowField) {
        name = field.name
        arrowType = field.type
        var element = WrittenSchemaElement(name: field.name, repetition: .optional)
        var fixedLength: Int?
        switch field.type {
        case .bool:
            physicalType = .boolean
        case .int64:
            physicalType = .int64
        case .double:
            physicalType = .double
        case .utf8:
            physicalType = .byteArray
            element.convertedType = .utf8
            element.logicalType = .string
        case .binary:
            physicalType = .byteArray
        case .timestampMicrosecondsUTC:
            physicalType = .int64
            element.convertedType = .timestampMicros
            element.logicalType = .timestampMicros(adjustedToUTC: true)
        case .date32:
            physicalType = .int32
            element.convertedType = .date
            element.logicalType = .date
        case .null:
            // INT32 with the UNKNOWN (null) logical type: pyarrow reads it back as a null column.
            physicalType = .int32
            element.logicalType = .unknown
        case .decimal128(let precision, let scale):
            // The smallest physical type that holds the precision, as the spec recommends.
            if precision <= 9 {
                physicalType = .int32
            } else if precision <= 18 {
                physicalType = .int64
            } else {
                physicalType = .fixedLenByteArray
                fixedLength = Self.decimalBytes(precision: precision)
                element.typeLength = Int32(fixedLength!)
            }
            element.convertedType = .decimal
            element.scale = Int32(scale)
            element.precision = Int32(precision)
            element.logicalType = .decimal(precision: Int32(precision), scale: Int32(scale))
        }
        element.type = physicalType
        self.fixedLength = fixedLength
        schemaElement = element
    }

    /// The fewest bytes whose two's complement holds every value of `precision` digits
    /// (spec: precision ≤ floor(log10(2^(8n-1) - 1))).
    static func decimalBytes(precision: Int) -> Int {
        let maximumDigits = [2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38]
        return (maximumDigits.firstIndex { $0 >= precision } ?? 15) + 1
    }
}
