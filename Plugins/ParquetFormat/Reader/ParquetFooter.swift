import ETLThrift

/// Reads a file's footer: the trailing "PAR1" magic, the 4-byte metadata length before it, and
/// the Thrift-encoded `FileMetaData` before that.
public enum ParquetFooter {
    static let magic: [UInt8] = Array("PAR1".utf8)
    static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    /// The file's metadata. Errors name the file.
    public static func read(_ file: any ParquetByteSource) throws(ParquetReadError) -> ParquetFileMetaData {
        do throws(ParquetReadError) {
            guard file.size >= 12 else {
                throw ParquetReadError(.corrupt, "the file is \(file.size) bytes long, too short to be Parquet (at least 12 bytes: PAR1, a footer, its length, PAR1)")
            }
            let head = try file.read(offset: 0, length: 4)
            let tail = try file.read(offset: file.size - 8, length: 8)
            if Array(tail[4..<8]) == encryptedMagic {
                throw ParquetReadError(.unsupported, "the file is encrypted (PARE footer); encrypted Parquet is not supported")
            }
            guard head == magic, Array(tail[4..<8]) == magic else {
                throw ParquetReadError(.corrupt, "not a Parquet file, or truncated: it must start and end with PAR1")
            }
            let length = Int64(tail[0]) | Int64(tail[1]) << 8 | Int64(tail[2]) << 16 | Int64(tail[3]) << 24
            guard length > 0, length <= file.size - 12 else {
                throw ParquetReadError(.corrupt, "the footer length \(length) does not fit in the file's \(file.size) bytes: the file is truncated or corrupt")
            }
            let bytes = try file.read(offset: file.size - 8 - length, length: Int(length))
            let metadata: ParquetFileMetaData
            do throws(ThriftDecodingError) {
                metadata = try ParquetFileMetaData(decoding: bytes)
            } catch {
                throw ParquetReadError(.corrupt, "the footer (file metadata) is corrupt: \(error)")
            }
            if metadata.isEncrypted {
                throw ParquetReadError(.unsupported, "the file is encrypted; encrypted Parquet is not supported")
            }
            return metadata
        } catch {
            throw error.located(file.name)
        }
    }
}
