/// DELTA_BINARY_PACKED (parquet-format Encodings.md): a header (block size, miniblocks per
/// block, value count, first value), then blocks of a minimum delta and bit-packed miniblocks.
/// Arithmetic wraps, as the spec requires, so INT32 and INT64 columns share this decoder.
enum DeltaBinaryPackedDecoder {
    /// All the values the header announces; the cursor ends after the last miniblock holding any.
    static func decode(_ cursor: inout ByteCursor) throws(ParquetReadError) -> [Int64] {
        let blockSize = Int(clamping: try cursor.varint())
        let miniblocks = Int(clamping: try cursor.varint())
        let total = Int(clamping: try cursor.varint())
        var current = try cursor.zigzagVarint()
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw ParquetReadError(.corrupt, "a DELTA_BINARY_PACKED header has block size \(blockSize) and \(miniblocks) miniblocks, which the spec does not allow")
        }
        // Each value takes at least one bit... except when all deltas are equal (width 0), so
        // bound the count by something sane instead: a page never holds more than 2^31 values.
        guard total <= Int(Int32.max) else { throw ParquetReadError(.corrupt, "a DELTA_BINARY_PACKED page claims \(total) values") }
        let perMiniblock = blockSize / miniblocks
        var output: [Int64] = []
        // A corrupt count must not reserve gigabytes up front: the array grows as values decode.
        output.reserveCapacity(min(total, 1 << 16))
        guard total > 0 else { return output }
        output.append(current)
        var scratch: [UInt64] = []
        scratch.reserveCapacity(perMiniblock)
        while output.count < total {
            let minimumDelta = try cursor.zigzagVarint()
            try cursor.need(miniblocks, "a block's bit widths")
            let widths = Array(cursor.bytes[cursor.position..<cursor.position + miniblocks])
            cursor.position += miniblocks
            for width in widths where output.count < total {
                guard width <= 64 else { throw ParquetReadError(.corrupt, "a DELTA_BINARY_PACKED miniblock has bit width \(width)") }
                scratch.removeAll(keepingCapacity: true)
                try cursor.unpackLSBFirst(count: perMiniblock, width: Int(width), into: &scratch)
                for delta in scratch where output.count < total {
                    current = current &+ minimumDelta &+ Int64(bitPattern: delta)
                    output.append(current)
                }
            }
        }
        return output
    }
}
