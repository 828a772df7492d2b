import ETLArrow
import ETLParquetFormat
import ETLPluginKit

/// Cursor values as the resume state and `initial_value` write them, by the column's type:
/// int64 as a number, double as a number, utf8 as a string, date32 as "YYYY-MM-DD",
/// timestamp as RFC 3339 text ("2024-05-01T10:00:00Z"), decimal as a string of its exact digits.
enum ParquetCursorValue {
    /// The types a cursor column may have.
    static func isCursorType(_ type: ArrowColumnType) -> Bool {
        switch type {
        case .int64, .double, .utf8, .date32, .timestampMicrosecondsUTC, .decimal128: true
        case .bool, .binary, .null: false
        }
    }

    static func json(_ value: ParquetComparable, type: ArrowColumnType) -> JSONValue {
        switch (value, type) {
        case (.integer(let days), .date32):
            .string(ArrowTimestampText.withBuffer { ArrowTimestampText.writeDate(days: days, into: $0) })
        case (.integer(let micros), .timestampMicrosecondsUTC): .string(ArrowTimestampText.rfc3339(micros: micros))
        case (.integer(let number), _): .number(JSONNumber(number))
        case (.real(let number), _): JSONNumber(number).map { .number($0) } ?? .null
        case (.text(let text), _): .string(text)
        case (.decimal(let decimal), _): .string(decimal.text)
        }
    }

    /// Reads a saved or configured value for a cursor of `type`; `what` names it in messages.
    static func parse(_ value: JSONValue, type: ArrowColumnType, what: String) throws(PluginError) -> ParquetComparable {
        func wrong(_ expected: String) -> PluginError {
            .invalidConfig("\(what) must be \(expected) for a \(type.displayName) cursor (found \(value.serialized()))")
        }
        switch type {
        case .int64:
            guard let number = value.int64Value else { throw wrong("an integer") }
            return .integer(number)
        case .double:
            guard let number = value.doubleValue else { throw wrong("a number") }
            return .real(number)
        case .utf8:
            guard let text = value.stringValue else { throw wrong("a string") }
            return .text(text)
        case .date32:
            guard let text = value.stringValue, let days = text.utf8CString.withUnsafeBytes({ ArrowTimestampText.parseDate(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }) else {
                throw wrong("a date such as \"2024-05-01\"")
            }
            return .integer(days)
        case .timestampMicrosecondsUTC:
            guard let text = value.stringValue, let parsed = ArrowTimestampText.parse(text) else {
                throw wrong("a timestamp such as \"2024-05-01T10:00:00Z\"")
            }
            return .integer(parsed.micros)
        case .decimal128(let precision, let scale):
            let text = value.stringValue ?? value.numberValue?.text
            guard let text, let decimal = Self.decimal(text, scale: scale), decimal.fits(precision: precision) else {
                throw wrong("a decimal such as \"12.50\" with at most \(scale) digits after the point")
            }
            return .decimal(decimal)
        case .bool, .binary, .null:
            throw wrong("a column of another type")
        }
    }

    private static func decimal(_ text: String, scale: Int) -> ArrowDecimal? {
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= scale, parts[0].count + scale <= ArrowDecimal.maximumPrecision else { return nil }
        guard let unscaled = Int128(String(parts[0]) + fraction + String(repeating: "0", count: scale - fraction.count)) else { return nil }
        return ArrowDecimal(unscaled: negative ? -unscaled : unscaled, scale: scale)
    }
}
