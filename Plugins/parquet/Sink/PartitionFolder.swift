import ETLArrow
import ETLPluginKit

/// Hive-style partition folder names (`key=value`), as pyarrow, DuckDB, Spark and Hive read them:
/// the value percent-encoded where it holds a byte that a folder name or the `key=value` syntax
/// cannot carry, and a null as `__HIVE_DEFAULT_PARTITION__`.
enum PartitionFolder {
    /// The folder of a null value, Hive's convention.
    static let nullValue = "__HIVE_DEFAULT_PARTITION__"

    /// The partition column types whose values make stable, readable folder names.
    static func isSupported(_ type: ArrowColumnType) -> Bool {
        switch type {
        case .utf8, .int64, .date32, .bool: true
        default: false
        }
    }

    /// `key=<value>` for `row` of `column`.
    static func name(key: String, column: ImportedColumn, row: Int) -> String {
        guard !column.isNull(row) else { return key + "=" + nullValue }
        let text: String
        switch column.type {
        case .utf8: text = column.string(row)
        case .int64: text = String(column.int64(row))
        case .bool: text = column.bool(row) ? "true" : "false"
        case .date32: text = CivilDate.text(days: column.date32(row))
        default: preconditionFailure("partition column of type \(column.type.displayName) was refused at begin")
        }
        return key + "=" + escaped(text)
    }

    /// Percent-encodes everything outside unreserved URI characters, so no value can name another
    /// folder (`/`, `..`), hide a file (a leading `.`) or break `key=value`.
    static func escaped(_ text: String) -> String {
        if text.isEmpty { return nullValue }
        var result = ""
        for byte in text.utf8 {
            let plain = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || (byte == UInt8(ascii: ".") && !result.isEmpty) || byte == UInt8(ascii: " ")
            if plain {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// Whether `key` is a plain folder key: letters, digits, `_`, not starting with `_` or `.`.
    static func isPlainKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first != "_" else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (proleptic Gregorian).
enum CivilDate {
    static func text(days: Int32) -> String {
        // Howard Hinnant's days-to-civil algorithm.
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }
}
