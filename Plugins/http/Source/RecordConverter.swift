import ETLArrow
import ETLPluginKit

/// Turns JSON records into rows of the stream's columns. Conversions are strict: a value that
/// does not fit its declared type rejects the record (it never becomes a silent null).
struct RecordConverter {
    let columns: [ColumnSpec]

    /// Appends the cells of one record, one per column, or returns why it cannot load (then
    /// the cells appended so far are the caller's to drop).
    func appendCells(of record: JSONValue, to cells: inout [Cell]) -> RecordProblem? {
        for column in columns {
            let value = column.path.columnValue(record, json: column.type == .json)
            guard let cell = Self.convert(value, to: column.type) else {
                return RecordProblem(reason: "column \(column.name) (\(column.path)): \(value.serialized()) is not a valid \(column.type.rawValue)")
            }
            cells.append(cell)
        }
        return nil
    }

    static func convert(_ value: JSONValue, to type: ColumnType) -> Cell? {
        if case .null = value { return .null }
        switch type {
        case .int64:
            if case .number(let number) = value, let integer = number.int64Value { return .int64(integer) }
            if case .string(let text) = value, let integer = Int64(text) { return .int64(integer) }
            return nil
        case .double:
            if case .number(let number) = value { return .double(number.doubleValue) }
            if case .string(let text) = value, let number = Double(text) { return .double(number) }
            return nil
        case .bool:
            if case .bool(let flag) = value { return .bool(flag) }
            if case .string(let text) = value {
                switch text.lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default: return nil
                }
            }
            return nil
        case .text:
            if case .string(let text) = value { return .text(text) }
            return .text(value.serialized())
        case .json:
            return .text(value.serialized())
        case .timestamp:
            if case .string(let text) = value, let micros = ArrowTimestampText.parse(text)?.micros { return .timestamp(micros) }
            if case .number(let number) = value, let seconds = number.int64Value, abs(seconds) < 9_000_000_000_000 {
                return .timestamp(seconds * 1_000_000)
            }
            return nil
        case .date:
            guard case .string(let text) = value, let micros = ArrowTimestampText.parse(text)?.micros else { return nil }
            let days = micros >= 0 ? micros / ArrowCivilTime.microsecondsPerDay
                : -((-micros + ArrowCivilTime.microsecondsPerDay - 1) / ArrowCivilTime.microsecondsPerDay)
            guard let narrow = Int32(exactly: days) else { return nil }
            return .date(narrow)
        }
    }
}

/// Why a record cannot load.
struct RecordProblem: Error {
    var reason: String
}
