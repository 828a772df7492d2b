import ETLArrow
import Glibc

/// Min, max, null and NaN counts of one column chunk, in the order parquet.thrift's ColumnOrder
/// TYPE_ORDER defines for the column's type: signed for numbers, dates, timestamps and decimals,
/// unsigned byte-wise for byte arrays, false < true for booleans. NaNs stay out of the bounds.
struct ColumnStatistics: Sendable {
    private(set) var nullCount: Int64 = 0
    private(set) var nanCount: Int64 = 0
    private var minInteger: Int128?
    private var maxInteger: Int128?
    private var minDouble: Double?
    private var maxDouble: Double?
    private var minBytes: [UInt8]?
    private var maxBytes: [UInt8]?

    mutating func addNull() { nullCount += 1 }

    /// Integers of every width, booleans (0/1) and decimals (the unscaled value).
    mutating func add(integer value: Int128) {
        if minInteger.map({ value < $0 }) ?? true { minInteger = value }
        if maxInteger.map({ value > $0 }) ?? true { maxInteger = value }
    }

    mutating func add(double value: Double) {
        if value.isNaN {
            nanCount += 1
            return
        }
        if minDouble.map({ value < $0 }) ?? true { minDouble = value }
        if maxDouble.map({ value > $0 }) ?? true { maxDouble = value }
    }

    mutating func add(bytes value: UnsafeRawBufferPointer) {
        if minBytes.map({ Self.unsignedLess(value, $0) }) ?? true { minBytes = Array(value) }
        if maxBytes.map({ Self.unsignedLess($0, value) }) ?? true { maxBytes = Array(value) }
    }

    /// The Thrift statistics for a column of `plan`'s type, bounds PLAIN-encoded.
    func written(for plan: ParquetColumnPlan) -> WrittenStatistics {
        var statistics = WrittenStatistics(nullCount: nullCount)
        switch plan.physicalType {
        case .boolean:
            statistics.minValue = minInteger.map { [$0 == 0 ? 0 : 1] }
            statistics.maxValue = maxInteger.map { [$0 == 0 ? 0 : 1] }
        case .int32:
            statistics.minValue = minInteger.map { Self.littleEndian(Int32(truncatingIfNeeded: $0)) }
            statistics.maxValue = maxInteger.map { Self.littleEndian(Int32(truncatingIfNeeded: $0)) }
        case .int64:
            statistics.minValue = minInteger.map { Self.littleEndian(Int64(truncatingIfNeeded: $0)) }
            statistics.maxValue = maxInteger.map { Self.littleEndian(Int64(truncatingIfNeeded: $0)) }
        case .double:
            // The spec's rule for zeros under TYPE_ORDER: -0.0 as a minimum, +0.0 as a maximum.
            statistics.minValue = minDouble.map { Self.littleEndian(($0 == 0 ? -0.0 : $0).bitPattern) }
            statistics.maxValue = maxDouble.map { Self.littleEndian(($0 == 0 ? 0.0 : $0).bitPattern) }
            statistics.nanCount = nanCount
        case .byteArray:
            statistics.minValue = minBytes
            statistics.maxValue = maxBytes
        case .fixedLenByteArray:
            let length = plan.fixedLength ?? 16
            statistics.minValue = minInteger.map { DecimalBytes.bigEndian($0, length: length) }
            statistics.maxValue = maxInteger.map { DecimalBytes.bigEndian($0, length: length) }
        case .int96, .float:
            break
        }
        if plan.arrowType == .null {
            statistics.minValue = nil
            statistics.maxValue = nil
        }
        return statistics
    }

    private static func unsignedLess(_ left: UnsafeRawBufferPointer, _ right: [UInt8]) -> Bool {
        right.withUnsafeBytes { unsignedLess(left, $0) }
    }

    private static func unsignedLess(_ left: [UInt8], _ right: UnsafeRawBufferPointer) -> Bool {
        left.withUnsafeBytes { unsignedLess($0, right) }
    }

    /// Unsigned byte-wise order (memcmp, then the shorter first): the order of BYTE_ARRAY bounds.
    private static func unsignedLess(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        let common = min(left.count, right.count)
        if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
            let order = memcmp(leftBase, rightBase, common)
            if order != 0 { return order < 0 }
        }
        return left.count < right.count
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// Decimals as FIXED_LEN_BYTE_ARRAY: big-endian two's complement, the low `length` bytes.
enum DecimalBytes {
    static func bigEndian(_ value: Int128, length: Int) -> [UInt8] {
        (0..<length).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
