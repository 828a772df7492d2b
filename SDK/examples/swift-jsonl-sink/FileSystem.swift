import ETLPluginKit
import Glibc

/// Path-level operations of the sink, each failing with `ETL_IO_ERROR` naming the path.
enum FileSystem {
    /// The `ETL_IO_ERROR` for a failed system call, with `errno`'s explanation.
    static func failure(_ operation: String, _ path: String) -> PluginError {
        let code = errno
        let reason = String(cString: strerror(code))
        return .ioError("\(operation) \(path) failed: \(reason) (errno \(code))")
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws(PluginError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix) && mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw failure("creating the directory", prefix)
            }
            prefix += "/"
        }
        guard isDirectory(path) else {
            throw .ioError("\(path) exists but is not a directory: point config.directory at a directory")
        }
    }

    /// Whether `path` names a directory.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Atomically replaces `destination` with `source` (same file system).
    static func rename(_ source: String, to destination: String) throws(PluginError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw failure("renaming \(source) to", destination)
        }
    }

    /// Removes a file; a file that is already gone is not an error.
    static func remove(_ path: String) throws(PluginError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("removing", path) }
    }

    /// Makes a directory's entries (a rename, a new file) durable.
    static func syncDirectory(_ path: String) throws(PluginError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("opening the directory", path) }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("syncing the directory", path) }
    }

    /// The whole content of `path`, or nil when it does not exist.
    static func readFile(_ path: String) throws(PluginError) -> [UInt8]? {
        guard exists(path) else { return nil }
        let file = try POSIXFile.openForReading(path)
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let failureOrCount: Result<Int, PluginError> = chunk.withUnsafeMutableBytes { buffer in
                do throws(PluginError) { return .success(try file.read(into: buffer)) } catch { return .failure(error) }
            }
            let count = try failureOrCount.get()
            if count == 0 { break }
            content.append(contentsOf: chunk[..<count])
        }
        try file.close()
        return content
    }

    /// Writes `content` to `path` atomically: a temporary file, synced when `durable`, renamed over
    /// `path`, and the directory synced, so a reader sees the old content or the new, never a part.
    static func writeAtomically(_ content: [UInt8], to path: String, inDirectory directory: String, durable: Bool) throws(PluginError) {
        let temporary = path + ".tmp"
        let file = try POSIXFile.createOrTruncate(temporary)
        do throws(PluginError) {
            try file.write(content)
            if durable { try file.sync() }
            try file.close()
            try rename(temporary, to: path)
        } catch {
            try? remove(temporary)
            throw error
        }
        if durable { try syncDirectory(directory) }
    }
}
