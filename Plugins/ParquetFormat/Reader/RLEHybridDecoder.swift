/// The RLE / bit-packed hybrid encoding (parquet-format Encodings.md, "RLE"): runs of one
/// repeated value, or groups of 8 bit-packed values, each introduced by a varint header. Used
/// for definition and repetition levels, dictionary indices and RLE booleans.
enum RLEHybridDecoder {
    /// Decodes `count` values of `bitWidth` bits from `cursor` (which must end where the
    /// encoded run data ends: surplus bit-packed padding is allowed, missing values are not).
    static func decode(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws(ParquetReadError) -> [Int32] {
        try decode(&cursor, bitWidth: bitWidth, count: count, as: Int32.self)
    }

    /// The same, into `Value`s (Int16 for levels, whose bit width the caller has bounded).
    static func decode<Value: FixedWidthInteger>(_ cursor: inout ByteCursor, bitWidth: Int, count: Int, as: Value.Type) throws(ParquetReadError) -> [Value] {
        guard (0...min(32, Value.bitWidth)).contains(bitWidth) else {
            throw ParquetReadError(.corrupt, "an RLE bit width of \(bitWidth) is beyond \(min(32, Value.bitWidth))")
        }
        var output: [Value] = []
        // A page's count is bounded by its header only: grow past this rather than trust it.
        output.reserveCapacity(min(count, 1 << 17))
        let valueBytes = (bitWidth + 7) / 8
        while output.count < count {
            guard cursor.remaining > 0 else {
                throw ParquetReadError(.corrupt, "RLE data ends after \(output.count) of \(count) values")
            }
            let header = try cursor.varint()
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                let value = Value(truncatingIfNeeded: try cursor.littleEndian(valueBytes))
                let take = min(run, count - output.count)
                output.append(contentsOf: repeatElement(value, count: take))
            } else {
                let groups = Int(clamping: header >> 1)
                guard groups <= cursor.remaining else {
                    throw ParquetReadError(.corrupt, "an RLE bit-packed run of \(groups) groups runs past the page")
                }
                let values = groups * 8
                // A final group may be cut short by the writer when its padding is not needed.
                let packed = bitWidth == 0 ? values : min(values, cursor.remaining * 8 / bitWidth)
                let wanted = min(packed, count - output.count)
                let byteCount = (packed * bitWidth + 7) / 8
                try cursor.need(byteCount, "\(packed) bit-packed values of \(bitWidth) bits")
                unpack(cursor.bytes, from: cursor.position, count: wanted, width: bitWidth, into: &output)
                cursor.position += byteCount
            }
        }
        return output
    }

    /// Appends `count` values of `width` bits packed least-significant bit first from
    /// `bytes[start...]` (which the caller has checked hold them), a byte at a time into a
    /// 64-bit window: one shift and mask per value rather than a loop over its bits.
    private static func unpack<Value: FixedWidthInteger>(_ bytes: [UInt8], from start: Int, count: Int, width: Int, into output: inout [Value]) {
        guard width > 0 else {
            output.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        bytes.withUnsafeBufferPointer { input in
            var window: UInt64 = 0
            var bits = 0
            var next = start
            for _ in 0..<count {
                while bits < width {
                    window |= UInt64(input[next]) << UInt64(bits)
                    next &+= 1
                    bits &+= 8
                }
                output.append(Value(truncatingIfNeeded: window & mask))
                window >>= UInt64(width)
                bits &-= width
            }
        }
    }

    /// The deprecated BIT_PACKED level encoding: `count` values packed most-significant bit first.
    static func decodeBitPackedMSBFirst(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws(ParquetReadError) -> [Int32] {
        let byteCount = (count * bitWidth + 7) / 8
        let bytes = try cursor.take(byteCount)
        let base = bytes.startIndex
        var output: [Int32] = []
        output.reserveCapacity(count)
        var bit = 0
        for _ in 0..<count {
            var value: Int32 = 0
            for _ in 0..<bitWidth {
                let byte = bytes[base + bit >> 3]
                value = value << 1 | Int32((byte >> (7 - UInt8(bit & 7))) & 1)
                bit += 1
            }
            output.append(value)
        }
        return output
    }

    /// The number of bits needed for values up to `maximum`.
    static func bitWidth(forMaximum maximum: Int) -> Int {
        maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
    }
}
