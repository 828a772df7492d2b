import ETLPluginKit
import ETLTransport
import Glibc

/// What identifies a file's contents between runs: device and inode (kept by a rename), size
/// and modification time (changed by a rewrite). Parquet files are written once, so a file with
/// the same four values is the same file, whatever its path now.
///
/// An object (`s3://`, `gs://`) has no device or inode (both 0): it is known by its key (the
/// caller compares paths), size, ETag and last-modified time, as the csv source knows objects.
struct ParquetFileStatus: Sendable, Hashable {
    let size: Int64
    let device: UInt64
    let inode: UInt64
    let modifiedNanoseconds: Int64
    /// The object's ETag; nil for a local file.
    let etag: String?
    let isRegular: Bool

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int64(info.st_size)
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        etag = nil
        isRegular = (info.st_mode & S_IFMT) == S_IFREG
    }

    init(size: Int64, device: UInt64, inode: UInt64, modifiedNanoseconds: Int64, etag: String? = nil) {
        self.size = size
        self.device = device
        self.inode = inode
        self.modifiedNanoseconds = modifiedNanoseconds
        self.etag = etag
        isRegular = true
    }

    /// An object as its listing (or HEAD) describes it.
    init(object: ObjectInfo) {
        self.init(size: object.size, device: 0, inode: 0,
                  modifiedNanoseconds: object.modified.map { Int64(($0 * 1_000).rounded()) * 1_000_000 } ?? 0, etag: object.etag)
    }

    func sameFile(as other: ParquetFileStatus) -> Bool {
        size == other.size && device == other.device && inode == other.inode && modifiedNanoseconds == other.modifiedNanoseconds
            && etag == other.etag
    }
}
