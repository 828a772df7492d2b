import CZlib

/// One-shot gzip (RFC 1952) compression with zlib, the framing Parquet's GZIP codec uses.
enum GzipDeflate {
    static func compress(_ input: [UInt8]) throws(ParquetWriteError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a zlib one.
        var status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ParquetWriteError(.internalError, "zlib could not start a gzip stream (status \(status))") }
        defer { deflateEnd(&stream) }
        let capacity = Int(deflateBound(&stream, uLong(input.count))) + 32
        var output = [UInt8](repeating: 0, count: capacity)
        var source = input
        status = source.withUnsafeMutableBufferPointer { sourceBuffer in
            output.withUnsafeMutableBufferPointer { targetBuffer in
                stream.next_in = sourceBuffer.baseAddress
                stream.avail_in = uInt(sourceBuffer.count)
                stream.next_out = targetBuffer.baseAddress
                stream.avail_out = uInt(targetBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ParquetWriteError(.internalError, "zlib failed to gzip a page (status \(status))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
