import ETLPluginKit

/// The `parquet` source's config, checked (see `ParquetSourceConfigSchema`).
struct ParquetSourceSettings: Sendable {
    static let keys: Set<String> = ["path", "stream", "columns", "nested"]

    /// The file or glob.
    let path: String
    /// The one stream this source offers.
    let stream: String
    /// The top-level columns to load, nil for all.
    let columns: [String]?

    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys)
        path = try config.string("path")
        guard !path.isEmpty else { throw .invalidConfig("config.path must not be empty: give a file such as data/sales.parquet or a glob such as data/*.parquet") }
        if path.hasPrefix("s3://") || path.hasPrefix("gs://") || path.hasPrefix("http://") || path.hasPrefix("https://") {
            throw .invalidConfig("config.path \(path) is a URL; the parquet source reads local files for now (give a local path or glob)")
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
        if ParquetFileMatcher.isPattern(stem) {
            stem = String(stem.prefix { !ParquetFileMatcher.patternCharacters.contains($0) })
            while let tail = stem.last, "-_. ".contains(tail) { stem.removeLast() }
        }
        if !stem.isEmpty { return stem }
        if components.count >= 2, case let folder = components[components.count - 2],
           !ParquetFileMatcher.isPattern(folder), folder != ".", folder != ".." {
            return folder
        }
        return "parquet"
    }
}
