import ETLPluginKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The little file-system work the sink does itself (plugins do not link Foundation).
enum FileSystem {
    /// Creates the folders above `path` that do not exist yet, so a fresh warehouse path such as
    /// "out/warehouse.db" works on the first run.
    static func makeParentDirectories(of path: String) throws(PluginError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                let answer = errno
                let remedy = answer == EROFS ? "remount the file system read-write" : "make the folder above it writable for this user"
                throw .ioError("cannot create folder \(current) for the SQLite database \(path): \(FileAccessDiagnosis.describe(errno: answer)); \(remedy), or point \"path\" elsewhere")
            }
        }
    }
}
