import ETLParquetFormat
import ETLPluginKit
import ETLTransport

/// A Parquet file in an object store (`s3://`, `gs://`), read by byte ranges: the footer first,
/// then only the pages of the loaded columns, each fetched with a ranged GET of its own through
/// `ObjectReader` (on S3 pinned to the ETag the listing gave, so a file replaced mid-read fails
/// instead of mixing two versions).
///
/// The file's last `tailBytes` come with the first request, so the footer's length and the
/// footer itself (usually smaller) cost one GET. Every other read is fetched exactly, never
/// more: reading ahead past a small page would pull in the neighbouring columns' bytes the read
/// leaves out (the page reader already takes a small page's body from the bytes it fetched for
/// the header). Memory: the tail plus the read at hand.
final class ObjectParquetFile: ParquetByteSource {
    let name: String
    let size: Int64
    private let reader: ObjectReader
    private var tail: Window?

    static let tailBytes = 64 << 10

    private struct Window {
        let offset: Int64
        let bytes: [UInt8]

        func slice(_ offset: Int64, _ length: Int) -> [UInt8]? {
            guard offset >= self.offset, offset + Int64(length) <= self.offset + Int64(bytes.count) else { return nil }
            let start = Int(offset - self.offset)
            return Array(bytes[start..<start + length])
        }
    }

    /// `name` is the `s3://bucket/key` shown in messages.
    init(name: String, reader: ObjectReader) {
        self.name = name
        self.reader = reader
        size = reader.info.size
    }

    func read(offset: Int64, length: Int) throws(ParquetReadError) -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
            throw ParquetReadError(.corrupt, "the object is \(size) bytes long, but \(length) bytes are needed at offset \(offset): the file is truncated or its metadata is corrupt")
        }
        guard length > 0 else { return [] }
        if tail == nil {
            let start = max(0, size - Int64(Self.tailBytes))
            tail = Window(offset: start, bytes: try fetch(start, Int(size - start)))
        }
        if let hit = tail?.slice(offset, length) { return hit }
        return try fetch(offset, length)
    }

    private func fetch(_ offset: Int64, _ length: Int) throws(ParquetReadError) -> [UInt8] {
        let bytes: [UInt8]
        do throws(PluginError) {
            bytes = try reader.bytes(at: offset, count: length)
        } catch {
            throw ParquetReadError(error.code == .badData ? .corrupt : .io, error.message)
        }
        guard bytes.count == length else {
            throw ParquetReadError(.corrupt, "the object ended after \(offset + Int64(bytes.count)) bytes while reading \(length) bytes at offset \(offset): it is shorter than its listing said (replaced while being read?)")
        }
        return bytes
    }
}
