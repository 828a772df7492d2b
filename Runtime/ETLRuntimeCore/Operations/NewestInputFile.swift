import ETLJSON
import Foundation

/// The newest input file of an entry and its modification time, for `freshness.newest_file`.
package struct NewestInputFile: Sendable, Hashable {
    /// The file's path (or object URL), as found.
    package var path: String
    /// Its modification time, seconds since 1970.
    package var modified: Double

    /// Looks in two places and keeps the newest file found:
    /// - the file system: `rule.path` when written, else the source config's `path` when it is a
    ///   local file or glob (the csv and parquet sources' key) — a stat sees files that arrived
    ///   since the last run, and the last run's files still there;
    /// - the entry's resume state: the csv source records `files[].modified` for objects in a
    ///   store (`s3://`, `gs://`) when an incremental read sees them, so such sources are judged
    ///   by their last read, with no request and no store credentials here.
    /// Nil when neither holds a file (reported as an error: nothing to judge is not fresh).
    package static func find(
        rule: NewestFileRule, sourceConfig: JSONValue?, resumeState: String?, manifestDirectory: String
    ) -> NewestInputFile? {
        var newest: NewestInputFile?
        func consider(_ file: NewestInputFile) {
            if newest == nil || file.modified > newest!.modified { newest = file }
        }
        if let pattern = rule.path ?? localSourcePath(sourceConfig, manifestDirectory: manifestDirectory) {
            for path in expand(pattern) {
                if let modified = modificationTime(path) { consider(NewestInputFile(path: path, modified: modified)) }
            }
        }
        if let resumeState, let files = (try? JSONValue(parsing: resumeState))?["files"]?.arrayValue {
            for file in files {
                guard let path = file["path"]?.stringValue, let modified = file["modified"]?.doubleValue, modified > 0 else { continue }
                consider(NewestInputFile(path: path, modified: modified))
            }
        }
        return newest
    }

    /// The source config's `path`, when it names local files (not a URL), made absolute against
    /// the manifest's folder (the loader does that already when the plugin's schema says so).
    static func localSourcePath(_ config: JSONValue?, manifestDirectory: String) -> String? {
        guard let path = config?["path"]?.stringValue, !path.isEmpty, !PathResolver.isURL(path) else { return nil }
        return PathResolver.absolute(path, relativeTo: manifestDirectory)
    }

    /// The paths a glob matches (a plain path matches itself when it exists).
    static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }
    }

    /// A regular file's modification time; nil for a folder or what cannot be read.
    static func modificationTime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}
