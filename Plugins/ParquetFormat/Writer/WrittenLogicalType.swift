import ETLThrift

/// The members of parquet.thrift's `LogicalType` union that the writer uses.
enum WrittenLogicalType: Sendable, Equatable {
    case string
    case date
    case decimal(precision: Int32, scale: Int32)
    /// Microseconds, as the ABI's timestamps are.
    case timestampMicros(adjustedToUTC: Bool)
    /// `UNKNOWN`: the logical type of a column that only holds nulls.
    case unknown

    /// Writes the union's member (each union member is a field of its own id).
    func encode(_ writer: inout ThriftCompactWriter) {
        switch self {
        case .string:
            writer.writeEmptyStructField(1)
        case .decimal(let precision, let scale):
            writer.writeField(5) { decimal in
                decimal.writeField(1, i32: scale)
                decimal.writeField(2, i32: precision)
            }
        case .date:
            writer.writeEmptyStructField(6)
        case .timestampMicros(let adjustedToUTC):
            writer.writeField(8) { timestamp in
                timestamp.writeField(1, bool: adjustedToUTC)
                timestamp.writeField(2) { unit in unit.writeEmptyStructField(2) }  // TimeUnit.MICROS
            }
        case .unknown:
            writer.writeEmptyStructField(11)
        }
    }
}
