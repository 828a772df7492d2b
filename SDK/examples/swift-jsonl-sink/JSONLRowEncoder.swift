import ETLArrow
import ETLPluginKit

/// Turns the rows of a batch into JSON Lines: one object per row, columns in schema order.
///
/// Values: int64 and double as numbers; bool as true/false; utf8 as a JSON string; binary as a
/// base64 string; timestamp as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, always six fraction digits);
/// date32 as `YYYY-MM-DD`; nulls as null. JSON has no NaN or infinity, so a non-finite double is
/// written as null and counted in `nonFiniteDoubles` (the sink logs the count at commit): every
/// line stays valid JSON for every reader, and the loss is visible in the run's log.
struct JSONLRowEncoder {
    /// `"name":` for each column, escaped once per load rather than once per row.
    private let keys: [[UInt8]]
    private let types: [ArrowColumnType]
    private let columnNames: [String]
    /// Non-finite doubles written as null so far.
    private(set) var nonFiniteDoubles = 0

    init(schema: ArrowSchemaDescription) {
        keys = schema.fields.map { field in
            var key: [UInt8] = []
            JSONStringEncoder.append(field.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        types = schema.fields.map(\.type)
        columnNames = schema.fields.map(\.name)
    }

    /// Appends every row of `batch` to `out`, each ending with "\n".
    /// - Parameter firstRowNumber: the load-wide number of the batch's first row, for messages.
    /// - Throws: `ETL_BAD_DATA` naming the column and row when a utf8 value is not valid UTF-8.
    mutating func encode(_ batch: ImportedRecordBatch, firstRowNumber: Int, to out: inout [UInt8]) throws(PluginError) {
        let columns = (0..<types.count).map { batch.column($0) }
        for row in 0..<batch.rowCount {
            out.append(UInt8(ascii: "{"))
            for index in 0..<columns.count {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keys[index])
                guard appendValue(columns[index], row: row, to: &out) else {
                    throw .badData("column '\(columnNames[index])' of row \(firstRowNumber + row + 1) of the load is not valid UTF-8; fix the source data or load the column as binary")
                }
            }
            out.append(contentsOf: "}\n".utf8)
        }
    }

    /// Appends one value; false when a utf8 value is not valid UTF-8.
    private mutating func appendValue(_ column: ImportedColumn, row: Int, to out: inout [UInt8]) -> Bool {
        if column.isNull(row) {
            out.append(contentsOf: "null".utf8)
            return true
        }
        switch column.type {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool:
            out.append(contentsOf: (column.bool(row) ? "true" : "false").utf8)
        case .int64:
            out.append(contentsOf: String(column.int64(row)).utf8)
        case .double:
            let value = column.double(row)
            if value.isFinite {
                out.append(contentsOf: value.description.utf8)
            } else {
                nonFiniteDoubles += 1
                out.append(contentsOf: "null".utf8)
            }
        case .utf8:
            return JSONStringEncoder.append(column.bytes(row), to: &out)
        case .binary:
            out.append(UInt8(ascii: "\""))
            Base64.append(column.bytes(row), to: &out)
            out.append(UInt8(ascii: "\""))
        case .timestampMicrosecondsUTC:
            out.append(UInt8(ascii: "\""))
            CivilDate.appendTimestamp(microsecondsSinceEpoch: column.timestampMicroseconds(row), to: &out)
            out.append(UInt8(ascii: "\""))
        case .date32:
            out.append(UInt8(ascii: "\""))
            CivilDate.appendDate(daysSinceEpoch: Int64(column.date32(row)), to: &out)
            out.append(UInt8(ascii: "\""))
        case .decimal128:
            // A JSON number with the exact digits (`1234.50`), never rounded through a double.
            out.append(contentsOf: column.decimal128(row).text.utf8)
        }
        return true
    }
}
