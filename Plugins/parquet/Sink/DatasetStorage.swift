import ETLParquetFormat
import ETLPluginKit

/// The file operations the parquet sink needs from where its datasets live: a local file system
/// (`LocalDatasetStorage`) or an object store (`ObjectDatasetStorage`). Paths are full paths
/// (or `s3://bucket/key` texts) built by the sink.
///
/// What the sink relies on: a file being written is invisible under its final name until
/// `publish`; `publish` is atomic; small files written with `writeSmallFile` appear whole or not at all.
protocol DatasetStorage: Sendable {
    /// Creates (or empties) `path` for writing.
    func createFile(_ path: String) throws(PluginError) -> any DatasetFileOutput
    /// Moves a finished file to its final name, replacing any file there.
    func publish(_ path: String, as finalPath: String) throws(PluginError)
    /// Removes a file; a missing file is not an error.
    func delete(_ path: String) throws(PluginError)
    /// The names (not paths) of the entries of `folder`; empty when it does not exist.
    func list(_ folder: String) throws(PluginError) -> [String]
    /// Whether a file exists at `path`.
    func exists(_ path: String) throws(PluginError) -> Bool
    /// Whether `path` is a folder (on an object store: a prefix with objects below it).
    func isFolder(_ path: String) throws(PluginError) -> Bool
    /// The content of a small file (state, journal), or nil when it does not exist.
    func readSmallFile(_ path: String) throws(PluginError) -> [UInt8]?
    /// Writes a small file whole: readers see the old content or the new one.
    func writeSmallFile(_ path: String, _ content: [UInt8]) throws(PluginError)
    /// Creates a folder and its parents (object stores have no folders: nothing to do there).
    func makeFolder(_ path: String) throws(PluginError)
    /// Makes the folder's new names (published files, deletions) durable.
    func syncFolder(_ path: String) throws(PluginError)
}

/// One file being written: bytes go in order, then `finish` makes them durable, or `discard`
/// throws them away.
protocol DatasetFileOutput: ParquetByteOutput {
    /// Where the file is being written.
    var path: String { get }
    /// Flushes, syncs to stable storage and closes.
    func finish() throws(PluginError)
    /// Closes and deletes the file.
    func discard()
}

/// Path arithmetic shared by every storage: `/`-separated paths or keys.
enum DatasetPath {
    /// The folder part of `path` (`.` for a bare name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
