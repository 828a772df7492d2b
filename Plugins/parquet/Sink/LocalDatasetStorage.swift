import ETLParquetFormat
import ETLPluginKit
import Glibc

/// `DatasetStorage` on a local (POSIX) file system: rename is the atomic publish, fsync of the
/// file and of its folder makes it durable.
struct LocalDatasetStorage: DatasetStorage {
    /// Whether data and metadata are synced to stable storage (config `fsync`).
    let durable: Bool

    func createFile(_ path: String) throws(PluginError) -> any DatasetFileOutput {
        try LocalFileOutput(path: path, durable: durable)
    }

    func publish(_ path: String, as finalPath: String) throws(PluginError) {
        guard rename(path, finalPath) == 0 else { throw Self.failure("renaming \(path) to", finalPath) }
    }

    func delete(_ path: String) throws(PluginError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw Self.failure("removing", path) }
    }

    func list(_ folder: String) throws(PluginError) -> [String] {
        guard let directory = opendir(folder) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw Self.failure("listing", folder)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    func readSmallFile(_ path: String) throws(PluginError) -> [UInt8]? {
        guard let file = fopen(path, "rb") else {
            if errno == ENOENT { return nil }
            throw Self.failure("opening", path)
        }
        defer { fclose(file) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            content.append(contentsOf: chunk[..<count])
        }
        guard ferror(file) == 0 else { throw Self.failure("reading", path) }
        return content
    }

    func writeSmallFile(_ path: String, _ content: [UInt8]) throws(PluginError) {
        let temporary = path + ".tmp"
        let output = try LocalFileOutput(path: temporary, durable: durable)
        do throws(PluginError) {
            do throws(ParquetWriteError) { try output.write(content) } catch { throw PluginError.ioError(error.message) }
            try output.finish()
            try publish(temporary, as: path)
        } catch {
            output.discard()
            throw error
        }
        try syncFolder(DatasetPath.folder(of: path))
    }

    func makeFolder(_ path: String) throws(PluginError) {
        if isFolder(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isFolder(prefix) && mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Self.failure("creating the folder", prefix)
            }
            prefix += "/"
        }
        guard isFolder(path) else { throw .ioError("\(path) exists but is not a folder: point config.path at a folder") }
    }

    func syncFolder(_ path: String) throws(PluginError) {
        guard durable else { return }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("opening the folder", path) }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Self.failure("syncing the folder", path) }
    }

    /// The `ETL_IO_ERROR` for a failed system call, with `errno`'s explanation.
    static func failure(_ operation: String, _ path: String) -> PluginError {
        let code = errno
        return .ioError("\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code)); check that config.path is a writable folder")
    }
}

/// A local file being written, with a user-space buffer so the writer's many small writes
/// become few system calls.
final class LocalFileOutput: DatasetFileOutput {
    let path: String
    private let durable: Bool
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    init(path: String, durable: Bool) throws(PluginError) {
        self.path = path
        self.durable = durable
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LocalDatasetStorage.failure("creating", path) }
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    func write(_ bytes: [UInt8]) throws(ParquetWriteError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit {
            do throws(PluginError) { try flush() } catch { throw ParquetWriteError(.io, error.message) }
        }
    }

    private func flush() throws(PluginError) {
        guard descriptor >= 0 else { throw .internalError("writing \(path) after it was closed") }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw LocalDatasetStorage.failure("writing", path)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(PluginError) {
        try flush()
        if durable && fsync(descriptor) != 0 { throw LocalDatasetStorage.failure("syncing", path) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw LocalDatasetStorage.failure("closing", path) }
    }

    func discard() {
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = -1
        unlink(path)
    }
}
