import ETLPluginKit
import ETLTransport

/// The `parquet` source's config, checked (see `ParquetSourceConfigSchema`).
struct ParquetSourceSettings: Sendable {
    static let keys: Set<String> = ["path", "stream", "columns", "nested", "remote", "max_files_per_run"]

    /// The file or glob: a local path, or an `s3://` / `gs://` key or key pattern.
    let path: String
    /// How the store is reached, when `path` is an object-store path (the `remote` object, as
    /// the csv source reads it).
    let objectStore: ObjectStoreSettings?
    /// Reads by new files: at most this many new files per run (nil: all).
    let maxFilesPerRun: Int?
    /// The one stream this source offers.
    let stream: String
    /// The top-level columns to load, nil for all.
    let columns: [String]?

    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys)
        path = try config.string("path")
        guard !path.isEmpty else { throw .invalidConfig("config.path must not be empty: give a file such as data/sales.parquet or a glob such as data/*.parquet") }
        if ObjectStoreURL.isObjectStore(path) {
            guard let url = ObjectStoreURL(path), !url.key.isEmpty, !url.lastSegment.isEmpty else {
                throw .invalidConfig("config.path \"\(path)\" is not a usable object-store path: it needs a bucket and an object key or a pattern, e.g. s3://bucket/landing/*.parquet")
            }
            objectStore = try ObjectStoreSettings(try config.optionalObject("remote"), provider: url.provider, configPath: "config.remote")
        } else {
            if path.contains("://") {
                throw .invalidConfig("config.path \(path) is a URL the parquet source cannot read: give a local path or glob, or an s3:// or gs:// path")
            }
            if config.value("remote") != nil {
                throw .invalidConfig("config.remote applies only to s3:// and gs:// paths, and config.path \(path) is local; remove remote")
            }
            objectStore = nil
        }
        if let limit = try config.optionalInt("max_files_per_run") {
            guard (1...1_000_000).contains(limit) else {
                throw .invalidConfig("config.max_files_per_run must be between 1 and 1000000 (got \(limit)); remove it to read every new file in one run")
            }
            maxFilesPerRun = Int(limit)
        } else {
            maxFilesPerRun = nil
        }
        stream = try config.optionalString("stream") ?? ParquetStreamName.derived(fromPath: path)
        if let columns = try config.optionalStringArray("columns") {
            guard !columns.isEmpty else { throw .invalidConfig("config.columns must list at least one column (or be left out to load every column)") }
            var seen = Set<String>()
            for (index, column) in columns.enumerated() where !seen.insert(column).inserted {
                throw .invalidConfig("config.columns[\(index)] repeats \"\(column)\"; list each column once")
            }
            self.columns = columns
        } else {
            columns = nil
        }
        let nested = try config.string("nested", default: "json")
        guard nested == "json" else {
            throw .invalidConfig("config.nested must be \"json\" (structs, lists and maps load as JSON text); got \"\(nested)\"")
        }
    }
}

/// The default stream name of a `path`, as the csv source derives it.
enum ParquetStreamName {
    static func derived(fromPath path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = components.last else { return "parquet" }
        var stem = last
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        if LocalFiles.isPattern(stem) {
            stem = String(stem.prefix { !LocalFiles.patternCharacters.contains($0) })
            while let tail = stem.last, "-_. ".contains(tail) { stem.removeLast() }
        }
        if !stem.isEmpty { return stem }
        if components.count >= 2, case let folder = components[components.count - 2],
           !LocalFiles.isPattern(folder), folder != ".", folder != ".." {
            return folder
        }
        return "parquet"
    }
}
