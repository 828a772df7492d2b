import ETLArrow
import ETLPluginKit

/// A row of an Arrow batch as a JSON object: int64, double and decimal as numbers (a decimal with
/// its exact digits, `1234.50`), bool, text, binary as text (invalid UTF-8 replaced), timestamps
/// as ISO 8601 UTC, dates as `YYYY-MM-DD`, null as null.
enum RecordJSON {
    /// The row's columns as an object, in schema order.
    static func object(_ batch: ImportedRecordBatch, row: Int) -> JSONObject {
        var object = JSONObject()
        for (index, field) in batch.schema.fields.enumerated() {
            object[field.name] = value(batch.column(index), row: row)
        }
        return object
    }

    /// One value.
    static func value(_ column: ImportedColumn, row: Int) -> JSONValue {
        if column.isNull(row) { return .null }
        switch column.type {
        case .int64: return .number(JSONNumber(column.int64(row)))
        case .double: return JSONNumber(column.double(row)).map { .number($0) } ?? .null
        case .bool: return .bool(column.bool(row))
        case .utf8, .binary: return .string(column.string(row))
        case .timestampMicrosecondsUTC: return .string(ArrowTimestampText.rfc3339(micros: column.timestampMicroseconds(row)))
        case .date32:
            let date = ArrowCivilTime.civilFromDays(Int64(column.date32(row)))
            return .string("\(String(date.year).leftPadded(to: 4))-\(String(date.month).leftPadded(to: 2))-\(String(date.day).leftPadded(to: 2))")
        case .null: return .null
        case .decimal128: return JSONNumber(text: column.decimal128(row).text).map { .number($0) } ?? .null
        }
    }

    /// A value as template text: strings as they are, everything else as JSON.
    static func text(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }
}
