/// The PLAIN encoding: values back to back, little-endian; booleans one bit each (least
/// significant first); BYTE_ARRAY a 4-byte length then the bytes; FIXED_LEN_BYTE_ARRAY the bytes.
enum PlainDecoder {
    static func decode(_ cursor: inout ByteCursor, type: ParquetPhysicalType, typeLength: Int, count: Int,
                       into values: inout ParquetValues) throws(ParquetReadError) {
        guard count >= 0 else { throw ParquetReadError(.corrupt, "a page claims \(count) values") }
        switch values {
        case .boolean(var output):
            values = .int32([])
            try cursor.need((count + 7) / 8, "\(count) PLAIN booleans")
            let start = cursor.position
            output.reserveCapacity(output.count + count)
            for index in 0..<count { output.append((cursor.bytes[start + index >> 3] >> UInt8(index & 7)) & 1 == 1) }
            cursor.position += (count + 7) / 8
            values = .boolean(output)
        case .int32(var output):
            values = .boolean([])
            try cursor.need(count * 4, "\(count) PLAIN INT32 values")
            cursor.copyLittleEndian(count, into: &output)
            values = .int32(output)
        case .int64(var output):
            values = .boolean([])
            try cursor.need(count * 8, "\(count) PLAIN INT64 values")
            cursor.copyLittleEndian(count, into: &output)
            values = .int64(output)
        case .float(var output):
            values = .boolean([])
            try cursor.need(count * 4, "\(count) PLAIN FLOAT values")
            cursor.copyLittleEndian(count, into: &output)
            values = .float(output)
        case .double(var output):
            values = .boolean([])
            try cursor.need(count * 8, "\(count) PLAIN DOUBLE values")
            cursor.copyLittleEndian(count, into: &output)
            values = .double(output)
        case .int96(var output):
            values = .boolean([])
            try cursor.need(count * 12, "\(count) PLAIN INT96 values")
            output.reserve(values: count, bytes: count * 12)
            for _ in 0..<count { output.append(try cursor.take(12)) }
            values = .int96(output)
        case .bytes(var output):
            values = .boolean([])
            if type == .fixedLenByteArray {
                try cursor.need(count * typeLength, "\(count) PLAIN FIXED_LEN_BYTE_ARRAY(\(typeLength)) values")
                output.reserve(values: count, bytes: count * typeLength)
                for _ in 0..<count { output.append(try cursor.take(typeLength)) }
            } else {
                // Each value takes at least its 4-byte length: a corrupt count cannot reserve more.
                output.reserve(values: min(count, cursor.remaining / 4 + 1), bytes: cursor.remaining)
                for _ in 0..<count {
                    let length = Int(try cursor.littleEndian(4))
                    output.append(try cursor.take(length))
                }
            }
            values = .bytes(output)
        }
    }
}
