import ETLArrow

/// One cell while transforms run: a batch is unpacked into columns of these, the steps
/// rewrite whole columns, and the result is packed back into an Arrow batch.
package enum TransformValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case text(String)
    /// Microseconds since the epoch, UTC.
    case timestamp(Int64)
    /// Days since the epoch.
    case date(Int32)
    case bytes([UInt8])
    /// An exact decimal; its scale is its column's.
    case decimal(ArrowDecimal)

    package var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as text, the way a CSV or a log would show it (nil for null): what `map`,
    /// `null_values`, `concat` and reject reasons see.
    package var text: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return Self.text(of: value)
        case .text(let value): return value
        case .timestamp(let micros): return ArrowTimestampText.text(micros: micros)
        case .date(let days): return ArrowTimestampText.withBuffer { ArrowTimestampText.writeDate(days: Int64(days), into: $0) }
        case .bytes(let bytes): return bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        case .decimal(let value): return value.text
        }
    }

    /// `1.5`, `2` for integral doubles (as SQL engines print them), `nan`/`inf` spelled out.
    static func text(of value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// The number inside as a double, for arithmetic that leaves exact types (int, double and
    /// decimal, the nearest double to its digits).
    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .decimal(let value): return value.doubleValue
        default: return nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
