import Foundation

/// Makes manifest-relative paths absolute.
///
/// Relative paths in a manifest mean "next to the manifest", not "next to
/// wherever cron happened to start us", so everything is anchored to the
/// manifest's folder. Normalisation is textual (`.` and `..` removed, no
/// symlinks resolved) so glob characters and not-yet-existing files survive.
enum PathResolver {
    /// `path` unchanged when absolute, else joined to `directory`; then normalised.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        // A URL (https://, sftp://) is where a plugin reads remotely: not a file path.
        if isURL(path) { return path }
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return normalize(joined)
    }

    /// `scheme://...` with a scheme of letters, digits, `+`, `-` or `.` (RFC 3986).
    static func isURL(_ text: String) -> Bool {
        guard let separator = text.range(of: "://"), separator.lowerBound > text.startIndex else { return false }
        let scheme = text[..<separator.lowerBound]
        let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard let first = scheme.first, letters.contains(first) else { return false }
        return scheme.allSatisfy { letters.contains($0) || $0.isWholeNumber && $0.isASCII || "+-.".contains($0) }
    }

    /// An absolute path for a path given on the command line (relative to the working directory).
    static func absoluteFromWorkingDirectory(_ path: String) -> String {
        absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
    }

    /// The folder part of an absolute path.
    static func directory(of path: String) -> String {
        var components = normalize(path).split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return "/" }
        components.removeLast()
        return "/" + components.joined(separator: "/")
    }

    /// Removes `.`, `..` and repeated slashes from an absolute path.
    static func normalize(_ path: String) -> String {
        var result: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !result.isEmpty { result.removeLast() }
            default: result.append(component)
            }
        }
        let body = result.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + body : body
    }
}
