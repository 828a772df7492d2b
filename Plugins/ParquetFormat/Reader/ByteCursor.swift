/// Reading position over a page's decoded bytes, with bounds-checked little-endian reads.
struct ByteCursor {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - position }

    mutating func need(_ count: Int, _ what: @autoclosure () -> String) throws(ParquetReadError) {
        guard count >= 0, count <= remaining else {
            throw ParquetReadError(.corrupt, "\(what()) needs \(count) bytes but the page has \(remaining) left")
        }
    }

    mutating func byte() throws(ParquetReadError) -> UInt8 {
        try need(1, "a byte")
        defer { position += 1 }
        return bytes[position]
    }

    mutating func littleEndian(_ width: Int) throws(ParquetReadError) -> UInt64 {
        try need(width, "a \(width)-byte value")
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += width
        return value
    }

    mutating func take(_ count: Int) throws(ParquetReadError) -> ArraySlice<UInt8> {
        try need(count, "a value")
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// Appends `count` fixed-width little-endian values to `output` (the caller has checked,
    /// with `need`, that their bytes are there): one unaligned load per value, no bounds check or
    /// byte assembly. Parquet is little-endian, as is every platform this runtime builds for.
    mutating func copyLittleEndian<T: BitwiseCopyable>(_ count: Int, into output: inout [T]) {
        let size = MemoryLayout<T>.size
        let start = position
        output.reserveCapacity(output.count + count)
        bytes.withUnsafeBytes { source in
            for index in 0..<count { output.append(source.loadUnaligned(fromByteOffset: start &+ index &* size, as: T.self)) }
        }
        position += count * size
    }

    /// An unsigned LEB128 varint.
    mutating func varint() throws(ParquetReadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            guard shift < 64 else { throw ParquetReadError(.corrupt, "a varint is longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzagVarint() throws(ParquetReadError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// `count` values of `width` bits packed least-significant bit first (RLE/bit-packed
    /// hybrid's and DELTA_BINARY_PACKED's order), taking `ceil(count * width / 8)` bytes.
    mutating func unpackLSBFirst(count: Int, width: Int, into output: inout [UInt64]) throws(ParquetReadError) {
        let byteCount = (count * width + 7) / 8
        try need(byteCount, "\(count) bit-packed values of \(width) bits")
        if width == 0 {
            output.append(contentsOf: repeatElement(0, count: count))
            position += byteCount
            return
        }
        var bitOffset = position * 8
        for _ in 0..<count {
            var value: UInt64 = 0
            var got = 0
            while got < width {
                let byteIndex = bitOffset >> 3
                let inByte = bitOffset & 7
                let take = min(8 - inByte, width - got)
                let bits = (UInt64(bytes[byteIndex]) >> UInt64(inByte)) & ((1 << UInt64(take)) - 1)
                value |= bits << UInt64(got)
                got += take
                bitOffset += take
            }
            output.append(value)
        }
        position += byteCount
    }
}
