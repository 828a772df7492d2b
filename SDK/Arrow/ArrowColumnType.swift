import CETLPlugin

/// A column type of ABI 1. The raw value is the Arrow C Data Interface format string.
public enum ArrowColumnType: String, Sendable, CaseIterable {
    /// Booleans, bit-packed (`"b"`).
    case bool = "b"
    /// Signed 64-bit integers (`"l"`).
    case int64 = "l"
    /// IEEE 754 doubles (`"g"`).
    case double = "g"
    /// UTF-8 text with 32-bit offsets (`"u"`).
    case utf8 = "u"
    /// Arbitrary bytes with 32-bit offsets (`"z"`).
    case binary = "z"
    /// Microseconds since the Unix epoch, in UTC (`"tsu:UTC"`).
    case timestampMicrosecondsUTC = "tsu:UTC"
    /// Days since the Unix epoch (`"tdD"`).
    case date32 = "tdD"
    /// A column where every value is null (`"n"`); it has no buffers.
    case null = "n"

    /// The Arrow format string, as `ArrowSchema.format` carries it.
    public var format: String { rawValue }

    /// A short human name for messages, e.g. `timestamp[us, UTC]`.
    public var displayName: String {
        switch self {
        case .bool: "bool"
        case .int64: "int64"
        case .double: "double"
        case .utf8: "utf8"
        case .binary: "binary"
        case .timestampMicrosecondsUTC: "timestamp[us, UTC]"
        case .date32: "date32"
        case .null: "null"
        }
    }

    /// How many buffers an array of this type has in the C Data Interface
    /// (validity first, then values or offsets, then bytes).
    public var bufferCount: Int {
        switch self {
        case .null: 0
        case .utf8, .binary: 3
        case .bool, .int64, .double, .timestampMicrosecondsUTC, .date32: 2
        }
    }

    /// Bytes per value in the values buffer; 0 for bit-packed, variable-length and null columns.
    var fixedWidth: Int {
        switch self {
        case .int64, .double, .timestampMicrosecondsUTC: 8
        case .date32: 4
        case .bool, .utf8, .binary, .null: 0
        }
    }

    /// The name of the `RecordBatchBuilder` method that appends to this type, for messages.
    var appendMethodName: String {
        switch self {
        case .bool: "append(bool:column:)"
        case .int64: "append(int64:column:)"
        case .double: "append(double:column:)"
        case .utf8: "append(utf8:column:) or append(string:column:)"
        case .binary: "append(binary:column:)"
        case .timestampMicrosecondsUTC: "append(timestampMicroseconds:column:)"
        case .date32: "append(date32:column:)"
        case .null: "appendNull(column:)"
        }
    }

    /// A compact tag used on the append hot path, where comparing tags is cheaper
    /// than going through `RawRepresentable`.
    var tag: UInt8 {
        switch self {
        case .bool: 0
        case .int64: 1
        case .double: 2
        case .utf8: 3
        case .binary: 4
        case .timestampMicrosecondsUTC: 5
        case .date32: 6
        case .null: 7
        }
    }

    /// The formats of ABI 1, listed for error messages.
    static var supportedFormatList: String {
        allCases.map { "\"\($0.rawValue)\" (\($0.displayName))" }.joined(separator: ", ")
    }

    /// A hint for formats that other Arrow libraries commonly produce but ABI 1 lacks.
    static func hint(forUnsupportedFormat format: String) -> String? {
        switch format {
        case "U", "vu": "cast it to utf8 (\"u\", 32-bit offsets) before exporting"
        case "Z", "vz": "cast it to binary (\"z\", 32-bit offsets) before exporting"
        case "i", "s", "c", "I", "S", "C", "L": "cast it to int64 (\"l\")"
        case "f", "e": "cast it to double (\"g\")"
        case "tdm": "cast it to date32 (\"tdD\")"
        default:
            if format.hasPrefix("ts") {
                "cast it to timestamp microseconds in UTC (\"tsu:UTC\")"
            } else if format.hasPrefix("d:") {
                "cast decimals to double (\"g\") or utf8 (\"u\")"
            } else {
                nil
            }
        }
    }
}
