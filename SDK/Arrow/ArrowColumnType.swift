import CETLPlugin

/// A column type of ABI 1. The raw value is the Arrow C Data Interface format string.
///
/// Not `CaseIterable`: `decimal128` is a family of types, one per precision and scale
/// (`plainTypes` lists the others).
public enum ArrowColumnType: Sendable, Hashable, RawRepresentable {
    /// Booleans, bit-packed (`"b"`).
    case bool
    /// Signed 64-bit integers (`"l"`).
    case int64
    /// IEEE 754 doubles (`"g"`).
    case double
    /// UTF-8 text with 32-bit offsets (`"u"`).
    case utf8
    /// Arbitrary bytes with 32-bit offsets (`"z"`).
    case binary
    /// Microseconds since the Unix epoch, in UTC (`"tsu:UTC"`).
    case timestampMicrosecondsUTC
    /// Days since the Unix epoch (`"tdD"`).
    case date32
    /// A column where every value is null (`"n"`); it has no buffers.
    case null
    /// Exact decimals (`"d:P,S"`, ABI 1.2): each value is a 16-byte little-endian two's
    /// complement integer, the value times 10^scale. `precision` is 1...38 digits in all,
    /// `scale` 0...precision of them after the point (see `ArrowDecimal`).
    case decimal128(precision: Int, scale: Int)

    /// The types with one format each, in the order messages list them.
    public static let plainTypes: [ArrowColumnType] = [.bool, .int64, .double, .utf8, .binary, .timestampMicrosecondsUTC, .date32, .null]

    /// The type of an Arrow format string, or nil for a format outside ABI 1. Decimals are
    /// read as `"d:P,S"` or `"d:P,S,128"` with 1 ≤ P ≤ 38 and 0 ≤ S ≤ P.
    public init?(rawValue: String) {
        switch rawValue {
        case "b": self = .bool
        case "l": self = .int64
        case "g": self = .double
        case "u": self = .utf8
        case "z": self = .binary
        case "tsu:UTC": self = .timestampMicrosecondsUTC
        case "tdD": self = .date32
        case "n": self = .null
        default:
            guard let (precision, scale) = Self.decimal128Parameters(rawValue) else { return nil }
            self = .decimal128(precision: precision, scale: scale)
        }
    }

    /// The Arrow format string, as `ArrowSchema.format` carries it.
    public var rawValue: String {
        switch self {
        case .bool: "b"
        case .int64: "l"
        case .double: "g"
        case .utf8: "u"
        case .binary: "z"
        case .timestampMicrosecondsUTC: "tsu:UTC"
        case .date32: "tdD"
        case .null: "n"
        case .decimal128(let precision, let scale): "d:\(precision),\(scale)"
        }
    }

    /// The Arrow format string, as `ArrowSchema.format` carries it.
    public var format: String { rawValue }

    /// A short human name for messages, e.g. `timestamp[us, UTC]`, `decimal(12,2)`.
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
        case .decimal128(let precision, let scale): "decimal(\(precision),\(scale))"
        }
    }

    /// Whether this is a `decimal128` of any precision and scale.
    public var isDecimal: Bool {
        if case .decimal128 = self { return true }
        return false
    }

    /// The scale of a decimal (digits after the point); nil for other types.
    public var decimalScale: Int? {
        if case .decimal128(_, let scale) = self { return scale }
        return nil
    }

    /// Precision and scale of `"d:P,S"` or `"d:P,S,128"` within decimal128's limits; nil otherwise
    /// (other bit widths, a negative scale, more than 38 digits).
    static func decimal128Parameters(_ format: String) -> (precision: Int, scale: Int)? {
        guard format.hasPrefix("d:") else { return nil }
        let parts = format.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "128"),
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let precision = Int(parts[0]), let scale = Int(parts[1]),
            (1...ArrowDecimal.maximumPrecision).contains(precision), (0...precision).contains(scale)
        else { return nil }
        return (precision, scale)
    }

    /// How many buffers an array of this type has in the C Data Interface
    /// (validity first, then values or offsets, then bytes).
    public var bufferCount: Int {
        switch self {
        case .null: 0
        case .utf8, .binary: 3
        case .bool, .int64, .double, .timestampMicrosecondsUTC, .date32, .decimal128: 2
        }
    }

    /// Bytes per value in the values buffer; 0 for bit-packed, variable-length and null columns.
    var fixedWidth: Int {
        switch self {
        case .decimal128: 16
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
        case .decimal128: "append(decimal128:column:)"
        }
    }

    /// A compact tag used on the append hot path, where comparing tags is cheaper
    /// than going through `RawRepresentable`.
    @inlinable
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
        case .decimal128: 8
        }
    }

    /// The formats of ABI 1, listed for error messages.
    static var supportedFormatList: String {
        plainTypes.map { "\"\($0.rawValue)\" (\($0.displayName))" }.joined(separator: ", ")
            + ", \"d:P,S\" (decimal128, precision 1...38, scale 0...P)"
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
                "ABI 1 carries decimal128 with a precision of 1 to 38 and a scale of 0 to the precision (\"d:P,S\"); "
                    + "cast other decimals to decimal128, or to double (\"g\") or utf8 (\"u\")"
            } else {
                nil
            }
        }
    }
}

extension ArrowColumnType: CustomStringConvertible {
    /// The case's name (`int64`, `timestampMicrosecondsUTC`), and `decimal(12,2)` for a decimal,
    /// as `discover` prints column types.
    public var description: String {
        switch self {
        case .bool: "bool"
        case .int64: "int64"
        case .double: "double"
        case .utf8: "utf8"
        case .binary: "binary"
        case .timestampMicrosecondsUTC: "timestampMicrosecondsUTC"
        case .date32: "date32"
        case .null: "null"
        case .decimal128(let precision, let scale): "decimal(\(precision),\(scale))"
        }
    }
}
