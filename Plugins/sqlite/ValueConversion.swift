import CSQLite
import ETLArrow
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One value of the current row, converted to the column's Arrow type and ready to append.
/// Text and blob bytes point into SQLite's row buffer: valid until the next step.
enum ConvertedValue {
    case null
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case text(UnsafeRawBufferPointer)
    case bytes(UnsafeRawBufferPointer)
    case micros(Int64)
    case days(Int32)
}

/// Converts stored SQLite values to a column's Arrow type without guessing: a value that does not
/// fit (text "abc" for int64, 2.5 for int64, invalid UTF-8 for text) is a failure the reader turns
/// into a reject, never a silent 0 or NULL.
enum ValueConversion {
    /// Column `index` of the current row as `type`, or nil when it cannot be read as that type.
    static func convert(_ statement: OpaquePointer, _ index: Int32, to type: ArrowColumnType) -> ConvertedValue? {
        let storage = sqlite3_column_type(statement, index)
        if storage == SQLITE_NULL { return .null }
        switch type {
        case .null:
            return nil
        case .decimal128:
            // The source's columns are never decimal (its config has no such type).
            return nil
        case .int64:
            switch storage {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
            case SQLITE_FLOAT:
                let value = sqlite3_column_double(statement, index)
                guard value.rounded() == value, abs(value) < 9.2e18 else { return nil }
                return .integer(Int64(value))
            case SQLITE_TEXT: return parseInteger(text(statement, index)).map(ConvertedValue.integer)
            default: return nil
            }
        case .double:
            switch storage {
            case SQLITE_INTEGER: return .double(Double(sqlite3_column_int64(statement, index)))
            case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, index))
            case SQLITE_TEXT: return parseDouble(statement, index).map(ConvertedValue.double)
            default: return nil
            }
        case .bool:
            switch storage {
            case SQLITE_INTEGER, SQLITE_FLOAT:
                let value = sqlite3_column_double(statement, index)
                return value == 0 ? .bool(false) : (value == 1 ? .bool(true) : nil)
            case SQLITE_TEXT: return parseBool(text(statement, index)).map(ConvertedValue.bool)
            default: return nil
            }
        case .utf8:
            // Numbers convert to their SQL text; text and blobs must already be UTF-8.
            let bytes = text(statement, index)
            return isValidUTF8(bytes) ? .text(bytes) : nil
        case .binary:
            if storage == SQLITE_BLOB { return .bytes(blob(statement, index)) }
            return .bytes(text(statement, index))
        case .timestampMicrosecondsUTC:
            guard storage == SQLITE_TEXT, let parsed = ArrowTimestampText.parse(text(statement, index)) else { return nil }
            return .micros(parsed.micros)
        case .date32:
            guard storage == SQLITE_TEXT, let days = ArrowTimestampText.parseDate(text(statement, index)),
                  let narrow = Int32(exactly: days) else { return nil }
            return .days(narrow)
        }
    }

    /// Why `convert` refused column `index`, for the reject's reason.
    static func failureReason(_ statement: OpaquePointer, _ index: Int32, type: ArrowColumnType, column: String) -> String {
        let storage = sqlite3_column_type(statement, index)
        let shown: String
        switch storage {
        case SQLITE_INTEGER: shown = "integer \(sqlite3_column_int64(statement, index))"
        case SQLITE_FLOAT: shown = "real \(sqlite3_column_double(statement, index))"
        case SQLITE_BLOB: shown = "a \(sqlite3_column_bytes(statement, index))-byte blob"
        default: shown = "text '\(String(decoding: text(statement, index).prefix(80), as: UTF8.self))'"
        }
        let expected: String
        switch type {
        case .utf8: expected = "valid UTF-8 text"
        case .timestampMicrosecondsUTC: expected = "a timestamp written YYYY-MM-DD HH:MM[:SS[.ffffff]][Z|±HH:MM]"
        case .date32: expected = "a date written YYYY-MM-DD"
        case .bool: expected = "a bool (0, 1, true, false)"
        default: expected = "a \(type.displayName) value"
        }
        return "column \(SQLIdentifier.quoted(column)) holds \(shown), which is not \(expected); fix the value or change the column's type in config.columns"
    }

    /// The text form of column `index` (SQLite converts numbers); empty for an empty string.
    @inline(__always)
    static func text(_ statement: OpaquePointer, _ index: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_text(statement, index)
        let count = Int(sqlite3_column_bytes(statement, index))
        return UnsafeRawBufferPointer(start: pointer.map { UnsafeRawPointer($0) }, count: pointer == nil ? 0 : count)
    }

    private static func blob(_ statement: OpaquePointer, _ index: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(statement, index)
        let count = Int(sqlite3_column_bytes(statement, index))
        return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
    }

    /// An optional sign and decimal digits, nothing else, within Int64.
    static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == 0x2B || first == 0x2D {
            negative = first == 0x2D
            index = 1
        }
        guard index < bytes.count else { return nil }
        var magnitude: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A finite decimal number in C syntax that fills the whole text (no blanks around it).
    private static func parseDouble(_ statement: OpaquePointer, _ index: Int32) -> Double? {
        guard let pointer = sqlite3_column_text(statement, index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        guard count > 0 else { return nil }
        let first = pointer.pointee
        guard first != 0x20 && !(0x09...0x0D).contains(first) else { return nil }
        return pointer.withMemoryRebound(to: CChar.self, capacity: count + 1) { start -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            guard let end, end == UnsafeMutablePointer(mutating: start) + count, value.isFinite else { return nil }
            return value
        }
    }

    private static func parseBool(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        switch lower {
        case Array("true".utf8), Array("1".utf8): return true
        case Array("false".utf8), Array("0".utf8): return false
        default: return nil
        }
    }

    /// UTF-8 validity, with an eight-bytes-at-a-time ASCII fast path; only text with non-ASCII
    /// bytes pays for the full check.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index + 8 <= bytes.count {
            if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < bytes.count && bytes[index] < 0x80 { index += 1 }
        guard index < bytes.count else { return true }
        return String(validating: UnsafeRawBufferPointer(rebasing: bytes[index...]).assumingMemoryBound(to: UInt8.self), as: UTF8.self) != nil
    }
}
