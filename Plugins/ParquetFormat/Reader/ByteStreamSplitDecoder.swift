/// BYTE_STREAM_SPLIT: the values' first bytes, then their second bytes, and so on. The bytes
/// are put back together and read as PLAIN.
enum ByteStreamSplitDecoder {
    static func decode(_ cursor: inout ByteCursor, type: ParquetPhysicalType, typeLength: Int, count: Int,
                       into values: inout ParquetValues) throws(ParquetReadError) {
        guard count >= 0 else { throw ParquetReadError(.corrupt, "a page claims \(count) values") }
        let width: Int
        switch type {
        case .float, .int32: width = 4
        case .double, .int64: width = 8
        case .fixedLenByteArray: width = typeLength
        default:
            throw ParquetReadError(.unsupported, "BYTE_STREAM_SPLIT is not defined for \(type) columns")
        }
        let streams = try cursor.take(width * count)
        let base = streams.startIndex
        var plain = [UInt8](repeating: 0, count: width * count)
        for value in 0..<count {
            for byte in 0..<width { plain[value * width + byte] = streams[base + byte * count + value] }
        }
        var plainCursor = ByteCursor(plain)
        try PlainDecoder.decode(&plainCursor, type: type, typeLength: typeLength, count: count, into: &values)
    }
}
