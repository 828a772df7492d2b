import CETLPlugin

/// Read access to one column of an `ImportedRecordBatch`, valid while the batch
/// lives (and until it is exported again).
///
/// Rows are 0-based and logical: the parent's and the column's `offset` are
/// already applied. Asking for a row outside `0..<count`, or reading with an
/// accessor of another type, is a programming error and stops the process,
/// like an out-of-range array subscript.
public struct ImportedColumn {
    /// The column type.
    public internal(set) var type: ArrowColumnType
    /// Rows in the column (the batch's row count).
    public internal(set) var count: Int

    /// Index of row 0 in the column's buffers (parent offset + column offset).
    @usableFromInline let firstIndex: Int
    /// The column's validity bitmap, or nil when it has no nulls.
    @usableFromInline let validity: UnsafePointer<UInt8>?
    /// The batch's (struct-level) validity bitmap, or nil when it has no null rows.
    @usableFromInline let parentValidity: UnsafePointer<UInt8>?
    /// Index of row 0 in the parent's validity bitmap (the parent offset).
    @usableFromInline let parentFirstIndex: Int
    /// Bits (bool), fixed-width values, or int32 offsets (utf8, binary).
    @usableFromInline let values: UnsafeRawPointer?
    /// The bytes of utf8 and binary values.
    @usableFromInline let data: UnsafeRawPointer?

    /// Whether `row` is null, in the column or because the whole row is null.
    @inlinable @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        precondition(row >= 0 && row < count, "ImportedColumn: row \(row) is outside 0..<\(count)")
        if type.tag == ArrowColumnType.null.tag { return true }
        if let validity, !Self.bit(validity, firstIndex &+ row) { return true }
        if let parentValidity, !Self.bit(parentValidity, parentFirstIndex &+ row) { return true }
        return false
    }

    /// The value of a `.bool` column at `row` (false for a null).
    @inlinable @inline(__always)
    public func bool(_ row: Int) -> Bool {
        let base = checked(row, .bool)
        return Self.bit(base.assumingMemoryBound(to: UInt8.self), firstIndex &+ row)
    }

    /// The value of an `.int64` column at `row`.
    @inlinable @inline(__always)
    public func int64(_ row: Int) -> Int64 {
        checked(row, .int64).load(fromByteOffset: (firstIndex &+ row) &* 8, as: Int64.self)
    }

    /// The value of a `.double` column at `row`.
    @inlinable @inline(__always)
    public func double(_ row: Int) -> Double {
        checked(row, .double).load(fromByteOffset: (firstIndex &+ row) &* 8, as: Double.self)
    }

    /// The bytes of a `.utf8` or `.binary` column at `row` (empty for a null),
    /// pointing into the batch's memory.
    @inlinable @inline(__always)
    public func bytes(_ row: Int) -> UnsafeRawBufferPointer {
        precondition(row >= 0 && row < count, "ImportedColumn: row \(row) is outside 0..<\(count)")
        precondition(type.tag == ArrowColumnType.utf8.tag || type.tag == ArrowColumnType.binary.tag, "ImportedColumn: bytes(_:) read from a \(type.displayName) column")
        let offsets = values.unsafelyUnwrapped
        let start = Int(offsets.load(fromByteOffset: (firstIndex &+ row) &* 4, as: Int32.self))
        let end = Int(offsets.load(fromByteOffset: (firstIndex &+ row &+ 1) &* 4, as: Int32.self))
        guard end > start, let data else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: data + start, count: end - start)
    }

    /// True when no row of the column is null (no validity bitmap at either level), so a reader
    /// may skip `isNull`.
    @inlinable
    public var hasNoNulls: Bool {
        validity == nil && parentValidity == nil && type.tag != ArrowColumnType.null.tag
    }

    /// The bytes of every value of a `.utf8` or `.binary` column, back to back (from the first
    /// row's start to the last row's end, nulls' empty values included), pointing into the
    /// batch's memory: one scan over it checks all the values at once. Empty for other types.
    public var allValueBytes: UnsafeRawBufferPointer {
        guard type.tag == ArrowColumnType.utf8.tag || type.tag == ArrowColumnType.binary.tag, count > 0,
              let offsets = values, let data else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start = Int(offsets.load(fromByteOffset: firstIndex &* 4, as: Int32.self))
        let end = Int(offsets.load(fromByteOffset: (firstIndex &+ count) &* 4, as: Int32.self))
        return UnsafeRawBufferPointer(start: data + start, count: max(0, end - start))
    }

    /// The bytes all values of a `.utf8` or `.binary` column take in its data buffer (from its
    /// first and last offsets, so O(1)); 0 for other types.
    public var valueByteCount: Int {
        guard type.tag == ArrowColumnType.utf8.tag || type.tag == ArrowColumnType.binary.tag, count > 0, let offsets = values else {
            return 0
        }
        let start = Int(offsets.load(fromByteOffset: firstIndex &* 4, as: Int32.self))
        let end = Int(offsets.load(fromByteOffset: (firstIndex &+ count) &* 4, as: Int32.self))
        return max(0, end - start)
    }

    /// The text of a `.utf8` (or `.binary`) column at `row` as a String; invalid
    /// UTF-8 from a foreign producer is repaired with U+FFFD.
    public func string(_ row: Int) -> String {
        String(decoding: bytes(row), as: UTF8.self)
    }

    /// Microseconds since the Unix epoch (UTC) of a `.timestampMicrosecondsUTC` column at `row`.
    @inlinable @inline(__always)
    public func timestampMicroseconds(_ row: Int) -> Int64 {
        checked(row, .timestampMicrosecondsUTC).load(fromByteOffset: (firstIndex &+ row) &* 8, as: Int64.self)
    }

    /// Days since the Unix epoch of a `.date32` column at `row`.
    @inlinable @inline(__always)
    public func date32(_ row: Int) -> Int32 {
        checked(row, .date32).load(fromByteOffset: (firstIndex &+ row) &* 4, as: Int32.self)
    }

    /// The value of a `.decimal128` column at `row` (read unaligned: a producer need only align
    /// buffers to 8 bytes).
    @inlinable @inline(__always)
    public func decimal128(_ row: Int) -> ArrowDecimal {
        precondition(row >= 0 && row < count, "ImportedColumn: row \(row) is outside 0..<\(count)")
        guard case .decimal128(_, let scale) = type else {
            preconditionFailure("ImportedColumn: decimal128 read from a \(type.displayName) column")
        }
        let base = values.unsafelyUnwrapped + (firstIndex &+ row) &* 16
        var value = ArrowDecimal(unscaled: 0, scale: scale)
        value.low = base.loadUnaligned(as: UInt64.self)
        value.high = base.loadUnaligned(fromByteOffset: 8, as: Int64.self)
        return value
    }

    @inlinable @inline(__always)
    func checked(_ row: Int, _ expected: ArrowColumnType) -> UnsafeRawPointer {
        precondition(row >= 0 && row < count, "ImportedColumn: row \(row) is outside 0..<\(count)")
        precondition(type.tag == expected.tag, "ImportedColumn: \(expected.displayName) read from a \(type.displayName) column")
        return values.unsafelyUnwrapped
    }

    @inlinable @inline(__always)
    static func bit(_ bitmap: UnsafePointer<UInt8>, _ index: Int) -> Bool {
        (bitmap[index >> 3] >> UInt8(index & 7)) & 1 != 0
    }
}
