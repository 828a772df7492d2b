import ETLPluginKit
import Glibc

/// A file opened for reading with `pread`, closed when the object goes away. Failures name the
/// operation, the path and the system's reason.
final class InputFile {
    /// The path it was opened with, for messages and reject positions.
    let path: String
    private let descriptor: Int32

    /// What `fstat` says about the file.
    struct Status {
        /// Size in bytes.
        var size: Int64
        /// The inode number: a new number at the same path means another file.
        var inode: UInt64
        /// Last modification, in seconds since the epoch (with fraction).
        var modified: Double
    }

    /// Opens `path` read-only.
    /// - Throws: `ETL_IO_ERROR` when it cannot be opened.
    init(path: String) throws(PluginError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .ioError("cannot open \(path): \(String(cString: strerror(errno))); check that the file exists and is readable")
        }
        self.path = path
        self.descriptor = descriptor
        // The file is read once from front to back: let the kernel read ahead generously.
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { close(descriptor) }

    /// The file's current size, inode and modification time.
    func status() throws(PluginError) -> Status {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .ioError("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Status(size: Int64(info.st_size), inode: UInt64(info.st_ino), modified: modified)
    }

    /// Reads up to `count` bytes at `offset` into `into`; fewer only at the end of the file.
    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        var done = 0
        while done < count {
            let got = pread(descriptor, into + done, count - done, off_t(offset) + off_t(done))
            if got < 0 {
                if errno == EINTR { continue }
                throw .ioError("cannot read \(path) at byte \(offset + Int64(done)): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// `ByteFingerprint` of the up to 64 bytes before `offset`:
    /// stored with the resume state, it tells a file that was rewritten in place (same inode,
    /// e.g. by `cp`) from one that only grew.
    func fingerprint(before offset: Int64) throws(PluginError) -> String {
        let length = Int(Swift.min(offset, ByteFingerprint.window))
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: Int(ByteFingerprint.window), alignment: 8)
        defer { bytes.deallocate() }
        let got = try read(into: bytes, count: length, at: offset - Int64(length))
        return ByteFingerprint.hex(UnsafeRawBufferPointer(start: bytes, count: got))
    }
}
