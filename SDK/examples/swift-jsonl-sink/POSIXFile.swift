import ETLPluginKit
import Glibc

/// An open file descriptor with the few operations a durable writer needs, each failing with
/// `ETL_IO_ERROR` naming the operation, the path and the system's reason.
///
/// POSIX calls rather than Foundation: durability hinges on exactly when `fsync` happens, and
/// the plugin then loads no library beyond the Swift runtime.
final class POSIXFile {
    /// The path the file was opened with, for messages.
    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// Creates `path` or empties it, for writing.
    static func createOrTruncate(_ path: String) throws(PluginError) -> POSIXFile {
        try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, operation: "creating")
    }

    /// Opens `path` for appending, creating it when absent.
    static func openForAppending(_ path: String) throws(PluginError) -> POSIXFile {
        try open(path, flags: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, operation: "opening for append")
    }

    /// Opens an existing `path` for reading.
    static func openForReading(_ path: String) throws(PluginError) -> POSIXFile {
        try open(path, flags: O_RDONLY | O_CLOEXEC, operation: "opening")
    }

    private static func open(_ path: String, flags: Int32, operation: String) throws(PluginError) -> POSIXFile {
        let descriptor = Glibc.open(path, flags, 0o644)
        guard descriptor >= 0 else { throw FileSystem.failure(operation, path) }
        return POSIXFile(path: path, descriptor: descriptor)
    }

    /// Writes all of `bytes`, retrying short writes and interrupted calls.
    func write(_ bytes: UnsafeRawBufferPointer) throws(PluginError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystem.failure("writing", path)
            }
            offset += written
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(PluginError) {
        // withUnsafeBytes cannot forward a typed throw, so the error travels out as a value.
        let failure: PluginError? = bytes.withUnsafeBytes { buffer in
            do throws(PluginError) { try write(buffer); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PluginError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw FileSystem.failure("reading", path) }
        }
    }

    /// The file's current size in bytes.
    func size() throws(PluginError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystem.failure("reading the size of", path) }
        return Int64(info.st_size)
    }

    /// Cuts the file back to `length` bytes (undoing a partial append).
    func truncate(to length: Int64) throws(PluginError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw FileSystem.failure("truncating", path) }
    }

    /// Forces the file's data to stable storage.
    func sync() throws(PluginError) {
        guard fsync(descriptor) == 0 else { throw FileSystem.failure("syncing", path) }
    }

    /// Closes the file; a failure here can mean lost data on network file systems, so it is reported.
    func close() throws(PluginError) {
        guard descriptor >= 0 else { return }
        let result = Glibc.close(descriptor)
        descriptor = -1
        guard result == 0 else { throw FileSystem.failure("closing", path) }
    }
}
