import Glibc
import ETLArrow
import ETLPluginKit

/// One batch column as the COPY stream carries it.
struct CopyColumn: Sendable {
    /// The column's name (messages).
    var name: String
    /// How its values are encoded, chosen from the Arrow type and the target column's type.
    var encoding: FieldEncoding
    /// A key column of merge: a NULL in it is refused.
    var isKey: Bool
}

/// Encodes record batches as COPY binary tuples: per row an int16 field count, then per field an
/// int32 length (-1 for NULL) and the value in network byte order (PostgreSQL's *_send formats).
/// Timestamps and dates move from the Unix epoch to PostgreSQL's (2000-01-01).
enum CopyRowEncoder {
    /// Microseconds from 1970-01-01 to 2000-01-01.
    static let epochShiftMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let epochShiftDays: Int32 = 10_957

    /// Appends every row of `batch` to `buffer`, calling `flush` whenever it is full.
    /// - Throws: `ETL_BAD_DATA` for a value PostgreSQL would refuse or the column cannot hold (a
    ///   NUL in text, an integer out of the column's range, a NULL key), naming row and column.
    static func encode(_ batch: ImportedRecordBatch, columns: [CopyColumn], firstRow: Int64, target: String,
                       into buffer: CopyBuffer, flush: (CopyBuffer) throws(PluginError) -> Void) throws(PluginError) {
        let arrays = (0..<columns.count).map { batch.column($0) }
        let nullable = arrays.map { !$0.hasNoNulls }
        // PostgreSQL text cannot hold a NUL: one scan of each text column's bytes per batch,
        // which is much cheaper than a scan per value; only a hit looks for the row.
        for (index, plan) in columns.enumerated() where plan.encoding == .text || plan.encoding == .jsonb {
            let all = arrays[index].allValueBytes
            // (A null's slot may cover bytes too, which are no value: only a value's NUL counts.)
            if let start = all.baseAddress, memchr(start, 0, all.count) != nil,
               let row = (0..<batch.rowCount).first(where: { !arrays[index].isNull($0) && arrays[index].bytes($0).contains(0) }) {
                throw .badData("target \(target): row \(firstRow + Int64(row) + 1), column \(PGIdentifier.quoted(plan.name)) holds a NUL character (U+0000), which PostgreSQL text cannot store; the load was rolled back. Remove it in the source or with a transform")
            }
        }
        let fieldCount = Int16(columns.count)
        for row in 0..<batch.rowCount {
            buffer.append(int16: fieldCount)
            for index in 0..<columns.count {
                let column = arrays[index]
                let plan = columns[index]
                if nullable[index] && column.isNull(row) {
                    if plan.isKey {
                        throw .badData("target \(target): row \(firstRow + Int64(row) + 1) of the load has NULL in primary key column \(PGIdentifier.quoted(plan.name)); a keyed load cannot place it, so the load was rolled back. Fill the key in the source or filter such rows out")
                    }
                    buffer.append(int32: -1)
                    continue
                }
                switch plan.encoding {
                case .null:
                    buffer.append(int32: -1)
                case .int8:
                    buffer.append(int32: 8)
                    buffer.append(int64: column.int64(row))
                case .int4:
                    let value = column.int64(row)
                    guard let narrow = Int32(exactly: value) else { throw outOfRange(value, "integer", plan, row, firstRow, target) }
                    buffer.append(int32: 4)
                    buffer.append(int32: narrow)
                case .int2:
                    let value = column.int64(row)
                    guard let narrow = Int16(exactly: value) else { throw outOfRange(value, "smallint", plan, row, firstRow, target) }
                    buffer.append(int32: 2)
                    buffer.append(int16: narrow)
                case .numericFromInt64:
                    NumericBinary.appendField(column.int64(row), to: buffer)
                case .numeric:
                    let value = column.decimal128(row)
                    NumericBinary.appendField(unscaled: value.unscaled, scale: Int(value.scale), to: buffer)
                case .float8:
                    buffer.append(int32: 8)
                    buffer.append(int64: Int64(bitPattern: column.double(row).bitPattern))
                case .float4:
                    buffer.append(int32: 4)
                    buffer.append(int32: Int32(bitPattern: Float(column.double(row)).bitPattern))
                case .bool:
                    buffer.append(int32: 1)
                    buffer.append(byte: column.bool(row) ? 1 : 0)
                case .text, .jsonb:
                    let bytes = column.bytes(row)
                    if case .jsonb = plan.encoding {
                        // jsonb_send's format: a version byte (1), then the JSON text.
                        buffer.append(int32: Int32(bytes.count + 1))
                        buffer.append(byte: 1)
                    } else {
                        buffer.append(int32: Int32(bytes.count))
                    }
                    buffer.append(bytes: bytes)
                case .bytea:
                    let bytes = column.bytes(row)
                    buffer.append(int32: Int32(bytes.count))
                    buffer.append(bytes: bytes)
                case .timestamp:
                    buffer.append(int32: 8)
                    buffer.append(int64: column.timestampMicroseconds(row) &- epochShiftMicros)
                case .date:
                    buffer.append(int32: 4)
                    buffer.append(int32: column.date32(row) &- epochShiftDays)
                }
            }
            if buffer.count >= CopyBuffer.flushBytes { try flush(buffer) }
        }
    }

    private static func outOfRange(_ value: Int64, _ type: String, _ plan: CopyColumn, _ row: Int, _ firstRow: Int64,
                                   _ target: String) -> PluginError {
        .badData("target \(target): row \(firstRow + Int64(row) + 1), column \(PGIdentifier.quoted(plan.name)) holds \(value), outside the range of the table's \(type) column; the load was rolled back. Widen the column (ALTER TABLE ... ALTER COLUMN ... TYPE bigint) or filter such rows out")
    }
}
