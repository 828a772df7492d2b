/// DELTA_LENGTH_BYTE_ARRAY (the lengths DELTA_BINARY_PACKED, then all the bytes) and
/// DELTA_BYTE_ARRAY (prefix lengths and suffix lengths DELTA_BINARY_PACKED, then the suffixes;
/// each value is the previous value's prefix followed by its suffix).
enum DeltaByteArrayDecoders {
    static func decodeLengthPrefixed(_ cursor: inout ByteCursor, count: Int, into output: inout ByteValues) throws(ParquetReadError) {
        let lengths = try DeltaBinaryPackedDecoder.decode(&cursor)
        guard lengths.count >= count else {
            throw ParquetReadError(.corrupt, "a DELTA_LENGTH_BYTE_ARRAY page holds \(lengths.count) lengths for \(count) values")
        }
        output.reserve(values: min(count, lengths.count), bytes: cursor.remaining)
        for length in lengths.prefix(count) {
            guard length >= 0 else { throw ParquetReadError(.corrupt, "a DELTA_LENGTH_BYTE_ARRAY length is negative") }
            output.append(try cursor.take(Int(length)))
        }
    }

    static func decodeIncremental(_ cursor: inout ByteCursor, count: Int, into output: inout ByteValues) throws(ParquetReadError) {
        let prefixes = try DeltaBinaryPackedDecoder.decode(&cursor)
        let suffixes = try DeltaBinaryPackedDecoder.decode(&cursor)
        guard prefixes.count >= count, suffixes.count >= count else {
            throw ParquetReadError(.corrupt, "a DELTA_BYTE_ARRAY page holds \(prefixes.count) prefixes and \(suffixes.count) suffixes for \(count) values")
        }
        var previous: [UInt8] = []
        for index in 0..<count {
            let prefix = prefixes[index], suffixLength = suffixes[index]
            guard prefix >= 0, prefix <= previous.count, suffixLength >= 0 else {
                throw ParquetReadError(.corrupt, "a DELTA_BYTE_ARRAY value has prefix length \(prefix) after a value of \(previous.count) bytes")
            }
            var value = Array(previous.prefix(Int(prefix)))
            value.append(contentsOf: try cursor.take(Int(suffixLength)))
            output.append(value)
            previous = value
        }
    }
}
