import CSnappy
import CZlib
import CZstd

/// The page codecs the writer offers, with the system libraries that implement them.
public enum ParquetCompression: String, Sendable, CaseIterable {
    case snappy
    case zstd
    case gzip
    case none

    /// The codec id the column metadata stores.
    var codec: ParquetCompressionCodec {
        switch self {
        case .snappy: .snappy
        case .zstd: .zstd
        case .gzip: .gzip
        case .none: .uncompressed
        }
    }

    /// The compressed form of a page's bytes (the bytes themselves for `none`).
    func compress(_ input: [UInt8]) throws(ParquetWriteError) -> [UInt8] {
        switch self {
        case .none:
            return input
        case .snappy:
            // Snappy's encoding of nothing is its length varint alone.
            if input.isEmpty { return [0] }
            var capacity = snappy_max_compressed_length(input.count)
            var output = [UInt8](repeating: 0, count: capacity)
            let status = input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(source.count, 1)) { sourceChars in
                        target.baseAddress!.withMemoryRebound(to: CChar.self, capacity: target.count) { targetChars in
                            snappy_compress(sourceChars, source.count, targetChars, &capacity)
                        }
                    }
                }
            }
            guard status == SNAPPY_OK else { throw ParquetWriteError(.internalError, "snappy failed to compress a page (status \(status.rawValue))") }
            output.removeSubrange(capacity...)
            return output
        case .zstd:
            let capacity = ZSTD_compressBound(input.count)
            var output = [UInt8](repeating: 0, count: capacity)
            // Level 3 is zstd's own default: a good balance for pages written once and read often.
            let written = input.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, 3)
                }
            }
            guard ZSTD_isError(written) == 0 else {
                throw ParquetWriteError(.internalError, "zstd failed to compress a page: \(String(cString: ZSTD_getErrorName(written)))")
            }
            output.removeSubrange(written...)
            return output
        case .gzip:
            return try GzipDeflate.compress(input)
        }
    }
}
