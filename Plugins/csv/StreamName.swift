import ETLPluginKit

/// The default stream name of a `path`: what a manifest entry's `"stream"` must say when the
/// config does not set `stream`.
enum StreamName {
    /// `adult.data` → `adult`; `adult.csv.gz` → `adult`; `logs/orders-*.csv` → `orders`; `data/*.csv` → `data`; `csv`
    /// when nothing usable is left.
    static func derived(fromPath path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = components.last else { return "csv" }
        var name = last
        // data.csv.gz and data.zip are the stream data, like data.csv.
        for suffix in [".gz", ".gzip"] where name.lowercased().hasSuffix(suffix) { name.removeLast(suffix.count) }
        var stem = withoutExtension(name)
        if LocalFiles.isPattern(stem) {
            stem = String(stem.prefix { !LocalFiles.patternCharacters.contains($0) })
            while let tail = stem.last, "-_. ".contains(tail) { stem.removeLast() }
        }
        if !stem.isEmpty { return stem }
        if components.count >= 2, case let folder = components[components.count - 2],
           !LocalFiles.isPattern(folder), folder != ".", folder != ".." {
            return folder
        }
        return "csv"
    }

    private static func withoutExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
