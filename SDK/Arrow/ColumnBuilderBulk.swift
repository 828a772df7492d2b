/// Appending many values to one column in a call: the loops `RecordBatchBuilder`'s bulk
/// appends run. Each reserves once for all the values, so the loop per value is a copy and
/// a store, with no capacity check, type check or call.
extension ColumnBuilder {
    /// Appends `count` fixed-width values (int64, double, timestamp, date32). A slot where
    /// `isNull` is true is written as zeros, whatever `source` holds there.
    @inline(__always)
    mutating func append<T: BitwiseCopyable>(fixed source: UnsafePointer<T>, isNull: UnsafePointer<Bool>?, count: Int) {
        guard count > 0 else { return }
        let width = MemoryLayout<T>.stride
        values.reserve(additional: width &* count)
        let target = values.end.unsafelyUnwrapped
        target.copyMemory(from: source, byteCount: width &* count)
        if let isNull {
            for row in 0..<count where isNull[row] {
                (target + row &* width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
            }
        }
        values.commit(width &* count)
        finishValues(isNull: isNull, count: count)
    }

    /// Appends `count` booleans as bits.
    @inline(__always)
    mutating func append(bits source: UnsafePointer<Bool>, isNull: UnsafePointer<Bool>?, count: Int) {
        for row in 0..<count { values.appendBit(source[row] && isNull?[row] != true, at: length &+ row) }
        finishValues(isNull: isNull, count: count)
    }

    /// Appends `count` UTF-8 values, checking them while they are copied. Null slots (where
    /// `isNull` is true) are not read. Returns nil on success; otherwise the index of the first
    /// value that is not UTF-8 and the offset of its first bad byte, or (`count`, `Int.max`)
    /// when the column would pass the 2 GiB int32 offsets address. Nothing is appended then:
    /// the column is as it was before the call.
    @inline(__always)
    mutating func append(utf8 source: UnsafePointer<UnsafeRawBufferPointer>, isNull: UnsafePointer<Bool>?,
                         count: Int) -> (index: Int, offset: Int)? {
        guard count > 0 else { return nil }
        var total = 0
        for row in 0..<count where isNull?[row] != true { total &+= source[row].count }
        guard data.count &+ total <= Int(Int32.max) else { return (count, Int.max) }
        data.reserve(additional: total)
        values.reserve(additional: 4 &* count)
        // nil while every value so far was empty or null.
        let bytes = data.base
        let offsets = values.end.unsafelyUnwrapped.assumingMemoryBound(to: Int32.self)
        let firstByte = data.count
        var end = firstByte
        for row in 0..<count {
            if let isNull, isNull[row] {
                offsets[row] = Int32(truncatingIfNeeded: end)
                continue
            }
            let text = source[row]
            let length = text.count
            if length > 0 {
                let target = bytes.unsafelyUnwrapped + end
                let high = Self.copyShort(from: text.baseAddress.unsafelyUnwrapped, to: target, count: length)
                if high & 0x8080_8080_8080_8080 != 0,
                   let bad = UTF8Validation.firstInvalidOffset(in: UnsafeRawBufferPointer(start: target, count: length)) {
                    return (row, bad)
                }
            }
            end &+= length
            offsets[row] = Int32(truncatingIfNeeded: end)
        }
        data.commit(end &- firstByte)
        values.commit(4 &* count)
        finishValues(isNull: isNull, count: count)
        return nil
    }

    /// Copies `count` (> 0) bytes with word moves that stay inside both ranges (overlapping at
    /// the end), and returns the OR of every word read: bit 7 of a byte set means non-ASCII.
    @inline(__always)
    private static func copyShort(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) -> UInt64 {
        if count >= 8 {
            guard count <= 64 else {
                target.copyMemory(from: source, byteCount: count)
                var any: UInt64 = 0
                var at = 0
                while at &+ 8 <= count {
                    any |= source.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                    at &+= 8
                }
                return any | source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            }
            var any: UInt64 = 0
            var at = 0
            while at &+ 8 < count {
                let word = source.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: at, as: UInt64.self)
                any |= word
                at &+= 8
            }
            let last = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            target.storeBytes(of: last, toByteOffset: count &- 8, as: UInt64.self)
            return any | last
        }
        if count >= 4 {
            let first = source.loadUnaligned(as: UInt32.self)
            let last = source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            target.storeBytes(of: first, as: UInt32.self)
            target.storeBytes(of: last, toByteOffset: count &- 4, as: UInt32.self)
            return UInt64(first | last)
        }
        let first = source.load(as: UInt8.self)
        let middle = source.load(fromByteOffset: count >> 1, as: UInt8.self)
        let last = source.load(fromByteOffset: count &- 1, as: UInt8.self)
        target.storeBytes(of: first, as: UInt8.self)
        target.storeBytes(of: middle, toByteOffset: count >> 1, as: UInt8.self)
        target.storeBytes(of: last, toByteOffset: count &- 1, as: UInt8.self)
        return UInt64(first | middle | last)
    }

    /// Counts `count` values just written, with their validity bits and nulls.
    @inline(__always)
    private mutating func finishValues(isNull: UnsafePointer<Bool>?, count: Int) {
        var nulls = 0
        if let isNull {
            for row in 0..<count where isNull[row] { nulls &+= 1 }
        }
        if nulls > 0 && validity.base == nil { startValidity() }
        if validity.base != nil {
            validity.reserve(additional: (count >> 3) &+ 1)
            for row in 0..<count { validity.appendBit(isNull?[row] != true, at: length &+ row) }
        }
        nullCount &+= nulls
        length &+= count
    }
}
