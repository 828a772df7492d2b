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
            guard let cell = Self.convert(value, to: column.type, format: column.timeFormat) else {
                let written = column.timeFormat.map { " in \($0.rawValue)" } ?? ""
                return RecordProblem(reason: "column \(column.name) (\(column.path)): \(value.serialized()) is not a valid \(column.type.rawValue)\(written)")
            }
            cells.append(cell)
        }
        return nil
    }

    /// The cell for `value`; `format` says how a timestamp or date is written (see
    /// `ColumnSpec.timeFormat`).
    static func convert(_ value: JSONValue, to type: ColumnType, format: WatermarkFormat? = nil) -> Cell? {
        if case .null = value { return .null }
        if let format, type == .timestamp || type == .date {
            return instant(value, format: format).flatMap { micros in
                type == .timestamp ? .timestamp(micros) : EpochTime.day(microseconds: micros).map { .date($0) }
            }
        }
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
            return EpochTime.day(microseconds: micros).map { .date($0) }
        }
    }

    /// The instant of a value written in `format`: ISO 8601 text only, or epoch numbers only.
    private static func instant(_ value: JSONValue, format: WatermarkFormat) -> Int64? {
        switch format {
        case .iso8601:
            guard case .string(let text) = value else { return nil }
            return ArrowTimestampText.parse(text)?.micros
        case .epochSeconds, .epochMillis:
            return EpochTime.microseconds(value, unit: format)
        }
    }
}

/// Why a record cannot load.
struct RecordProblem: Error {
    var reason: String
}
