import ETLPluginKit

/// The records of one `write`, grouped by the path their template renders, each group in
/// arrival order: a request carrying several records goes to one URL, so records bound for
/// another list must not ride along with the first record's.
struct URLGroups {
    typealias Item = (index: Int64, record: JSONObject)

    /// Paths in order of first appearance, so requests go out in an order a reader can follow.
    private(set) var paths: [String] = []
    private var groups: [String: [Item]] = [:]

    /// Adds `item` under `path`; returns the group when it reached `limit` records (and empties it).
    mutating func add(_ item: Item, path: String, limit: Int) -> [Item]? {
        if groups[path] == nil { paths.append(path) }
        groups[path, default: []].append(item)
        guard let group = groups[path], group.count >= limit else { return nil }
        groups[path] = []
        return group
    }

    /// The groups still holding records, in order of their paths' first appearance.
    var remaining: [(path: String, items: [Item])] {
        paths.compactMap { path in
            guard let items = groups[path], !items.isEmpty else { return nil }
            return (path, items)
        }
    }
}
