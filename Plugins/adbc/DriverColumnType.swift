import ETLArrow

/// How a column a driver returns becomes a column of our ABI: the Arrow format it arrives in,
/// and the conversion (if any) to one of the ABI's types (SDK/Arrow/ArrowColumnType.swift).
///
/// Widening is exact (int8/16/32 and uint8/16/32 to int64, float32 to double, date64 to date32 for
/// whole days, seconds and milliseconds to microseconds); narrowing is done where it cannot lose
/// a value the data holds (uint64 and large offsets are checked value by value) or where the
/// README documents the loss (nanoseconds are truncated toward the past to microseconds).
/// Everything else is refused by name, with the cast that fixes it.
enum DriverColumnType: Equatable {
    case bool
    case signed(byteWidth: Int)
    case unsigned(byteWidth: Int)
    case float32
    case float64
    case text(largeOffsets: Bool)
    case bytes(largeOffsets: Bool)
    case date32
    /// date64: milliseconds since the epoch.
    case date64
    /// A timestamp; `unitsPerSecond` is 1, 1_000, 1_000_000 or 1_000_000_000.
    case timestamp(unitsPerSecond: Int64)
    case null
    case decimal128(precision: Int, scale: Int)

    /// The ABI type the column is delivered as.
    var abiType: ArrowColumnType {
        switch self {
        case .bool: .bool
        case .signed, .unsigned: .int64
        case .float32, .float64: .double
        case .text: .utf8
        case .bytes: .binary
        case .date32, .date64: .date32
        case .timestamp: .timestampMicrosecondsUTC
        case .null: .null
        case .decimal128(let precision, let scale): .decimal128(precision: precision, scale: scale)
        }
    }

    /// The type of an Arrow format string, or an error naming the column and how to fix it.
    init(format: String, column: String, hasDictionary: Bool) throws(ArrowError) {
        guard !hasDictionary else {
            throw ArrowError(.unsupported, "column \"\(column)\" is dictionary-encoded (\(format) indexes), which the ABI cannot carry; cast it to text in the query")
        }
        switch format {
        case "b": self = .bool
        case "c": self = .signed(byteWidth: 1)
        case "s": self = .signed(byteWidth: 2)
        case "i": self = .signed(byteWidth: 4)
        case "l": self = .signed(byteWidth: 8)
        case "C": self = .unsigned(byteWidth: 1)
        case "S": self = .unsigned(byteWidth: 2)
        case "I": self = .unsigned(byteWidth: 4)
        case "L": self = .unsigned(byteWidth: 8)
        case "f": self = .float32
        case "g": self = .float64
        case "u": self = .text(largeOffsets: false)
        case "U": self = .text(largeOffsets: true)
        case "z": self = .bytes(largeOffsets: false)
        case "Z": self = .bytes(largeOffsets: true)
        case "tdD": self = .date32
        case "tdm": self = .date64
        case "n": self = .null
        default:
            if format.hasPrefix("ts"), format.count >= 4, format.dropFirst(3).first == ":" {
                // Every Arrow timestamp counts from the epoch in UTC; the zone (or none) only says
                // how to display it, so values convert by unit alone.
                switch format.dropFirst(2).first {
                case "s": self = .timestamp(unitsPerSecond: 1)
                case "m": self = .timestamp(unitsPerSecond: 1_000)
                case "u": self = .timestamp(unitsPerSecond: 1_000_000)
                case "n": self = .timestamp(unitsPerSecond: 1_000_000_000)
                default: throw Self.refused(format, column)
                }
            } else if format.hasPrefix("d:"), case .decimal128(let precision, let scale)? = ArrowColumnType(rawValue: format) {
                self = .decimal128(precision: precision, scale: scale)
            } else {
                throw Self.refused(format, column)
            }
        }
    }

    private static func refused(_ format: String, _ column: String) -> ArrowError {
        ArrowError(.unsupported, "column \"\(column)\" has the Arrow type \(describe(format)), which the ABI cannot carry (it takes bool, integers, floats, text, binary, timestamps, date32, decimal128 up to 38 digits); cast the column in the query, e.g. CAST(\(column) AS TEXT)")
    }

    /// A readable name for the formats drivers commonly return.
    static func describe(_ format: String) -> String {
        let names: [String: String] = [
            "e": "float16", "vu": "string_view", "vz": "binary_view", "+l": "list", "+L": "large_list", "+s": "struct",
            "+m": "map", "tts": "time32[s]", "ttm": "time32[ms]", "ttu": "time64[us]", "ttn": "time64[ns]",
            "tiM": "interval[months]", "tiD": "interval[day_time]", "tin": "interval[month_day_nano]",
        ]
        if let name = names[format] { return "\(name) (\(format))" }
        if format.hasPrefix("d:") { return "decimal \(format.dropFirst(2)) (wider than decimal128(38))" }
        if format.hasPrefix("w:") { return "fixed_size_binary[\(format.dropFirst(2))]" }
        if format.hasPrefix("tD") { return "duration (\(format))" }
        return "\"\(format)\""
    }
}
