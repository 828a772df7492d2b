import CSnappy
import CZlib
import CZstd

/// Decompresses page bytes with the column chunk's codec, through the system libraries.
enum PageDecompressor {
    /// `bytes` decompressed to exactly `uncompressedSize` bytes.
    static func decompress(_ bytes: ArraySlice<UInt8>, codec: ParquetCompressionCodec, uncompressedSize: Int) throws(ParquetReadError) -> [UInt8] {
        switch codec {
        case .uncompressed:
            guard bytes.count == uncompressedSize else {
                throw ParquetReadError(.corrupt, "an uncompressed page holds \(bytes.count) bytes but its header says \(uncompressedSize)")
            }
            return Array(bytes)
        case .snappy: return try snappy(bytes, uncompressedSize)
        case .zstd: return try zstd(bytes, uncompressedSize)
        case .gzip: return try gzip(bytes, uncompressedSize)
        case .lzo, .brotli, .lz4, .lz4Raw:
            throw ParquetReadError(.unsupported, "compression codec \(codecName(codec)) is not supported (snappy, zstd, gzip and uncompressed are); rewrite the file with one of those")
        }
    }

    /// The codec's name as parquet.thrift spells it.
    static func codecName(_ codec: ParquetCompressionCodec) -> String {
        switch codec {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }

    private static func snappy(_ bytes: ArraySlice<UInt8>, _ size: Int) throws(ParquetReadError) -> [UInt8] {
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            count = 0
            bytes.withUnsafeBufferPointer { input in
                var length = 0
                let base = UnsafeRawPointer(input.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                guard snappy_uncompressed_length(base, input.count, &length) == SNAPPY_OK, length == size else { failed = true; return }
                var outLength = size
                guard size == 0 || snappy_uncompress(base, input.count, UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self), &outLength) == SNAPPY_OK,
                      outLength == size else { failed = true; return }
                count = size
            }
        }
        if failed { throw ParquetReadError(.corrupt, "a SNAPPY page does not decompress to the \(size) bytes its header says") }
        return output
    }

    private static func zstd(_ bytes: ArraySlice<UInt8>, _ size: Int) throws(ParquetReadError) -> [UInt8] {
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            count = 0
            bytes.withUnsafeBufferPointer { input in
                let result = ZSTD_decompress(out.baseAddress, size, input.baseAddress, input.count)
                guard ZSTD_isError(result) == 0, result == size else { failed = true; return }
                count = size
            }
        }
        if failed { throw ParquetReadError(.corrupt, "a ZSTD page does not decompress to the \(size) bytes its header says") }
        return output
    }

    private static func gzip(_ bytes: ArraySlice<UInt8>, _ size: Int) throws(ParquetReadError) -> [UInt8] {
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, count in
            count = 0
            var input = Array(bytes)
            input.withUnsafeMutableBufferPointer { input in
                var stream = z_stream()
                // 15 + 32: a zlib or gzip header, detected automatically.
                guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { failed = true; return }
                defer { inflateEnd(&stream) }
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(size)
                var status = Z_OK
                // Concatenated gzip members are legal: restart after each one until the input ends.
                while true {
                    status = inflate(&stream, Z_FINISH)
                    if status == Z_STREAM_END && stream.avail_in > 0 && stream.avail_out > 0 {
                        guard inflateReset(&stream) == Z_OK else { break }
                        continue
                    }
                    break
                }
                guard status == Z_STREAM_END, stream.avail_out == 0 else { failed = true; return }
                count = size
            }
        }
        if failed { throw ParquetReadError(.corrupt, "a GZIP page does not decompress to the \(size) bytes its header says") }
        return output
    }
}
