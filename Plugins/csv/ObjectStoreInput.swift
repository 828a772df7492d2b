import ETLPluginKit
import ETLTransport

/// A csv input in an object store (`s3://`, `gs://`): the size, ETag and modification time
/// from the listing (or a HEAD) that found it, the bytes streamed by `ObjectReader` (ranged
/// GETs that resume after a dropped connection; on S3 pinned to that ETag, so an object
/// replaced mid-read fails instead of mixing versions). No device or inode (0): an object is
/// known by its key, like an http(s) file.
final class ObjectStoreInput: ByteSource {
    let path: String
    let info: ObjectInfo
    private let reader: ObjectReader

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
        try reader.read(into: into, count: count, at: offset)
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        try reader.bytes(at: offset, count: count)
    }
}
