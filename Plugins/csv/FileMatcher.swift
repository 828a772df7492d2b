import ETLPluginKit
import Glibc

/// Turns the configured `path` into the files to read: the file itself, or the regular files a
/// glob matches, in byte order of their paths (the order new files are picked up in).
enum FileMatcher {
    /// The characters that make a path a glob.
    static let patternCharacters: Set<Character> = ["*", "?", "["]

    /// True when `path` contains a wildcard.
    static func isPattern(_ path: String) -> Bool { path.contains { patternCharacters.contains($0) } }

    /// The regular files `path` names, sorted by their bytes. A plain path that does not exist
    /// gives an empty list; directories and other non-regular files are left out.
    /// - Throws: `ETL_IO_ERROR` when the glob cannot be expanded (a folder cannot be read).
    static func files(matching path: String) throws(PluginError) -> [String] {
        guard isPattern(path) else { return isRegularFile(path) ? [path] : [] }
        // A file whose real name contains a wildcard character is taken literally.
        if isRegularFile(path) { return [path] }
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(path, GLOB_NOSORT | GLOB_ERR, nil, &result)
        switch status {
        case 0: break
        case GLOB_NOMATCH: return []
        case GLOB_NOSPACE: throw .ioError("expanding \(path) ran out of memory")
        default: throw .ioError("cannot expand \(path): a folder on the way cannot be read (\(String(cString: strerror(errno))))")
        }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let match = String(cString: pointer)
            if isRegularFile(match) { paths.append(match) }
        }
        return paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// True for an existing regular file (following symbolic links).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
