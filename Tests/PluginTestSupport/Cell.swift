import CETLPlugin
import ETLArrow

/// One value of a test batch, written as a literal: `1`, `2.5`, `"text"`, `true`, `nil`, or
/// `.timestamp(...)`, `.date(...)`, `.blob(...)` for the types without a literal. Shared by the
/// sqlite and postgres plugin tests.
public enum Cell: Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case blob([UInt8])
    case timestamp(micros: Int64)
    case date(days: Int32)
    /// A decimal128 value: unscaled × 10^-scale.
    case decimal(Int128, scale: Int)
    case null

    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Builds batches the way a source would: RecordBatchBuilder → exported ArrowArray →
/// ImportedRecordBatch, ready for `SinkInstance.write`.
public enum Batches {
    /// A schema from (name, type) pairs.
    public static func schema(_ columns: [(String, ArrowColumnType)]) -> ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.0, type: $0.1) })
    }

    /// One batch holding `rows` (each row one cell per column, in schema order). With
    /// `droppingFirst`, the batch is a slice, as another Arrow library may export one: the
    /// struct's `offset` skips that many of the rows, whose values stay in the buffers.
    public static func make(_ schema: ArrowSchemaDescription, _ rows: [[Cell]], droppingFirst skipped: Int = 0) throws -> ImportedRecordBatch {
        let builder = RecordBatchBuilder(schema: schema, capacity: rows.count)
        for row in rows {
            for (column, cell) in row.enumerated() {
                switch cell {
                case .int(let value): try builder.append(int64: value, column: column)
                case .double(let value): try builder.append(double: value, column: column)
                case .text(let value): try builder.append(string: value, column: column)
                case .bool(let value): try builder.append(bool: value, column: column)
                case .blob(let bytes): try bytes.withUnsafeBytes { try builder.append(binary: $0, column: column) }
                case .timestamp(let micros): try builder.append(timestampMicroseconds: micros, column: column)
                case .date(let days): try builder.append(date32: days, column: column)
                case .decimal(let unscaled, let scale): try builder.append(decimal128: ArrowDecimal(unscaled: unscaled, scale: scale), column: column)
                case .null: try builder.appendNull(column: column)
                }
            }
        }
        var array = ArrowArray()
        try builder.finish(into: &array)
        if skipped > 0 {
            array.offset = Int64(skipped)
            array.length -= Int64(skipped)
            array.null_count = -1
        }
        return try ImportedRecordBatch(taking: &array, schema: schema)
    }
}
