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
        /// The device the file is on (0 for a remote file).
        var device: UInt64
        /// The inode number (0 for a remote file): with the device, which file this is while
        /// it exists, whatever its path; a deleted file's number may be given to a new file.
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

    /// The file's current size, device, inode and modification time.
    func status() throws(PluginError) -> Status {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .ioError("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Status(size: Int64(info.st_size), device: UInt64(info.st_dev), inode: UInt64(info.st_ino), modified: modified)
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

    /// The `count` bytes at `offset`, fewer at the end of the file (`pread` leaves a read in
    /// progress where it is).
    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        guard count > 0 else { return [] }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        let got = try read(into: buffer, count: count, at: offset)
        return Array(UnsafeRawBufferPointer(start: buffer, count: got))
    }
}
