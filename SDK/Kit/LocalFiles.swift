import Glibc

/// The local files a file source's `path` names: the file itself, or the regular files a glob
/// matches, in byte order of their paths (the order in which new files are picked up, so a
/// source that names its files by date reads them oldest first).
public enum LocalFiles {
    /// The characters that make a path a glob.
    public static let patternCharacters: Set<Character> = ["*", "?", "["]

    /// True when `path` contains a wildcard.
    public static func isPattern(_ path: String) -> Bool { path.contains { patternCharacters.contains($0) } }

    /// The regular files `path` names, sorted by their bytes. A plain path that does not exist
    /// gives an empty list; directories and other non-regular files are left out. A file whose
    /// real name contains a wildcard character is taken literally.
    /// - Throws: `ETL_IO_ERROR` when the glob cannot be expanded (a folder cannot be read).
    public static func regularFiles(matching path: String) throws(PluginError) -> [String] {
        if isRegularFile(path) { return [path] }
        guard isPattern(path) else { return [] }
        var result = glob_t()
        defer { globfree(&result) }
        switch glob(path, GLOB_NOSORT | GLOB_ERR, nil, &result) {
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
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
