import ETLPluginKit

/// One stream of the source: which requests fetch it and how records become rows.
struct StreamSettings: Sendable {
    /// The stream name.
    var name: String
    /// The path template, `{var}` filled from the entry's options.
    var path: String
    /// GET or POST.
    var method: String
    /// Fixed query parameters (values as text, templates allowed).
    var query: [(name: String, value: String)]
    /// Fixed headers.
    var headers: [(name: String, value: String)]
    /// The JSON body of a POST search, or nil.
    var body: JSONObject?
    /// Where the records are in a response.
    var recordsPath: JSONPathExpression
    /// How pages follow each other.
    var pagination: Pagination
    /// Only warn when a read ends with fewer records than the total (`pagination.allow_short_read`).
    var allowShortRead: Bool
    /// Stop at a page shorter than the page size.
    var stopOnShortPage: Bool
    /// Refuse to read more pages than this (a guard against a server that never ends).
    var maxPages: Int64
    /// Declared columns, or nil to discover them from the first page.
    var columns: [ColumnSpec]?
    /// The incremental settings, or nil when the stream only supports full reads.
    var incremental: IncrementalSettings?

    /// The keys of a stream object.
    static let keys: Set<String> = ["path", "method", "query", "headers", "body", "records_path", "pagination",
                                    "stop_on_short_page", "max_pages", "columns", "incremental"]

    /// Reads one member of `streams`.
    init(name: String, config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys)
        self.name = name
        path = try config.string("path")
        method = try config.string("method", default: "GET").uppercased()
        guard method == "GET" || method == "POST" else {
            throw .invalidConfig("\(config.path).method must be GET or POST (found \(method))")
        }
        query = try Self.textPairs(config, "query")
        headers = try Self.textPairs(config, "headers")
        if let value = config.value("body") {
            guard case .object(let object) = value else {
                throw .invalidConfig("\(config.path).body must be a JSON object (found \(value.kindDescription))")
            }
            body = object
        } else {
            body = nil
        }
        recordsPath = try JSONPathExpression(try config.string("records_path", default: "$"), where: "\(config.path).records_path")
        let paginationConfig = try config.optionalObject("pagination")
        pagination = try Pagination(paginationConfig)
        allowShortRead = try Pagination.allowsShortRead(paginationConfig)
        stopOnShortPage = try config.bool("stop_on_short_page", default: true)
        maxPages = try config.int("max_pages", default: 100_000)
        guard maxPages > 0 else { throw .invalidConfig("\(config.path).max_pages must be positive (found \(maxPages))") }
        if let value = config.value("columns") {
            guard case .array(let items) = value, !items.isEmpty else {
                throw .invalidConfig("\(config.path).columns must be a non-empty array of {\"name\", \"path\", \"type\"} objects")
            }
            var columns: [ColumnSpec] = []
            for (index, item) in items.enumerated() {
                guard case .object(let members) = item else {
                    throw .invalidConfig("\(config.path).columns[\(index)] must be an object (found \(item.kindDescription))")
                }
                columns.append(try ColumnSpec(PluginConfig(members: members, path: "\(config.path).columns[\(index)]")))
            }
            self.columns = columns
        } else {
            columns = nil
        }
        incremental = try config.optionalObject("incremental").map { object throws(PluginError) in try IncrementalSettings(object) }
    }

    private static func textPairs(_ config: PluginConfig, _ key: String) throws(PluginError) -> [(name: String, value: String)] {
        guard let object = try config.optionalObject(key) else { return [] }
        var pairs: [(name: String, value: String)] = []
        for member in object.members.members {
            switch member.value {
            case .string(let text): pairs.append((member.key, text))
            case .number(let number): pairs.append((member.key, number.text))
            case .bool(let flag): pairs.append((member.key, flag ? "true" : "false"))
            default:
                throw .invalidConfig("\(object.path).\(member.key) must be a string, number or boolean (found \(member.value.kindDescription))")
            }
        }
        return pairs
    }
}
