import ETLPluginKit
import ETLTransport

/// A csv input in an object store (`s3://`, `gs://`): the size, ETag and modification time
/// from the listing (or a HEAD) that found it, the bytes streamed by `ObjectReader` (ranged
/// GETs that resume after a dropped connection; on S3 pinned to that ETag, so an object
/// replaced mid-read fails instead of mixing versions). No device or inode (0): an object is
/// known by its key, like an http(s) file.
///
/// The object's first bytes (up to `ContentHead.window` plus a fingerprint window) are fetched
/// once, with one ranged GET, the first time any of them is asked for: the resume state's head
/// and fingerprint checks, the header line and, for a small object, every record come from
/// them. The opener keeps one input per object for the whole read, so a run costs each
/// object that one GET, plus one from the end of those bytes for a larger object.
final class ObjectStoreInput: ByteSource {
    let path: String
    let info: ObjectInfo
    private let reader: ObjectReader
    private var firstBytes: [UInt8]?

    /// How many of the object's first bytes are fetched and kept together.
    private var firstBytesCount: Int { Int(min(info.size, ContentHead.window + ByteFingerprint.window)) }

    init(path: String, info: ObjectInfo, store: ObjectStore) {
        self.path = path
        self.info = info
        reader = store.reader(for: info)
    }

    var isIdentifiedByPath: Bool { true }

    func status() throws(PluginError) -> InputFile.Status {
        // Unknown modification time counts as long ago: a last line without a line break is
        // then taken as complete (an object is written whole, never appended to in place).
        InputFile.Status(size: info.size, device: 0, inode: 0, modified: info.modified ?? 0)
    }

    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        if offset < Int64(firstBytesCount), count > 0 {
            // A short read from the kept bytes: the reader asks again for the rest.
            let head = try first()
            let taken = min(count, head.count - Int(offset))
            head.withUnsafeBytes { into.copyMemory(from: $0.baseAddress! + Int(offset), byteCount: taken) }
            return taken
        }
        return try reader.read(into: into, count: count, at: offset)
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        if offset >= 0, offset + Int64(count) <= Int64(firstBytesCount) {
            return Array(try first()[Int(offset)..<Int(offset) + count])
        }
        return try reader.bytes(at: offset, count: count)
    }

    private func first() throws(PluginError) -> [UInt8] {
        if let firstBytes { return firstBytes }
        let bytes = try reader.bytes(at: 0, count: firstBytesCount)
        firstBytes = bytes
        return bytes
    }
}
