import ETLArrow

/// A value a cursor can be compared on: integers (also dates as days and timestamps as
/// microseconds), doubles, text, decimals.
public enum ParquetComparable: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case decimal(ArrowDecimal)

    /// -1, 0 or 1; nil when the two are of different kinds.
    public func compare(_ other: ParquetComparable) -> Int? {
        switch (self, other) {
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.real(let a), .real(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.text(let a), .text(let b)):
            // Byte order, as Parquet's statistics order UTF-8 text.
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a == b ? 0 : 1)
        case (.decimal(let a), .decimal(let b)): return ArrowDecimal.compare(a, b)
        default: return nil
        }
    }
}

extension LeafValueReader {
    /// Value `index` as a cursor value; nil for types a cursor cannot use (binary, bool, ...).
    public func comparable(_ index: Int) -> ParquetComparable? {
        switch (conversion, values) {
        case (.int32, .int32(let v)), (.date, .int32(let v)): return .integer(Int64(v[index]))
        case (.uint32, .int32(let v)): return .integer(Int64(UInt32(bitPattern: v[index])))
        case (.int64, .int64(let v)): return .integer(v[index])
        case (.timestamp, _), (.int96, _): return (try? timestampMicros(index)).map { .integer($0) }
        case (.float, .float(let v)): return .real(Double(v[index]))
        case (.double, .double(let v)): return .real(v[index])
        case (.utf8, .bytes(let v)): return String(validating: v[index], as: UTF8.self).map { .text($0) }
        case (.decimal, _), (.uint64, _):
            if case .uint64 = conversion, case .int64(let v) = values { return .decimal(ArrowDecimal(unscaled: Int128(UInt64(bitPattern: v[index])), scale: 0)) }
            return (try? decimal(index)).map { .decimal($0) }
        default: return nil
        }
    }
}
