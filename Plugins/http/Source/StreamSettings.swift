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
    /// The stream whose records each run this stream's requests, or nil.
    var parent: ParentLink?
    /// Arrays of each record offered as streams `<name>__<child>`.
    var children: [ChildTable]
    /// For such a child table stream: the stream it comes from and the table.
    var childOf: (parent: String, table: ChildTable)?

    /// The keys of a stream object.
    static let keys: Set<String> = ["path", "method", "query", "headers", "body", "records_path", "pagination",
                                    "stop_on_short_page", "max_pages", "columns", "incremental", "parent", "children"]

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
        try Self.checkSelectingRecordsPath(config, recordsPath: recordsPath, pagination: pagination, stopOnShortPage: stopOnShortPage)
        maxPages = try config.int("max_pages", default: 100_000)
        guard maxPages > 0 else { throw .invalidConfig("\(config.path).max_pages must be positive (found \(maxPages))") }
        columns = try ColumnSpec.list(config, "columns")
        incremental = try config.optionalObject("incremental").map { object throws(PluginError) in try IncrementalSettings(object) }
        parent = try config.optionalObject("parent").map { object throws(PluginError) in try ParentLink(object) }
        children = []
        childOf = nil
        if let object = try config.optionalObject("children") {
            for member in object.members.members {
                guard case .object(let members) = member.value else {
                    throw .invalidConfig("\(object.path).\(member.key) must be an object {\"path\", \"parent_key\", \"columns\"} (found \(member.value.kindDescription))")
                }
                children.append(try ChildTable(name: member.key, config: PluginConfig(members: members, path: "\(object.path).\(member.key)")))
            }
        }
        try checkBodyPaths(config)
    }

    /// A watermark `body_path` must name a value of the body template (the value it replaces),
    /// and paging parameters written as `$.` paths go into a POST body only.
    private func checkBodyPaths(_ config: PluginConfig) throws(PluginError) {
        if let incremental, incremental.placement == .body, let path = incremental.bodyPath, incremental.parameter.hasPrefix("$") {
            guard let body, path.evaluate(.object(body)) != nil else {
                throw .invalidConfig("\(config.path).incremental.body_path \(path) names no value of \(config.path).body; put a placeholder value there (e.g. \"value\": \"\") for the watermark to replace")
            }
        }
        for (key, name) in pagination.parameterNames where name.hasPrefix("$") {
            guard method == "POST" else {
                throw .invalidConfig("\(config.path).pagination.\(key) \"\(name)\" is a body path, which only a POST stream has; use a query parameter name for GET")
            }
            _ = try BodyPath.parse(name, where: "\(config.path).pagination.\(key)")
        }
    }

    /// A records_path with a wildcard or filter keeps some of a page's records, so paging that
    /// counts records would go wrong: offsets would fall behind, and a page that loses records
    /// to the filter would look like the last one and end the read early.
    private static func checkSelectingRecordsPath(_ config: PluginConfig, recordsPath: JSONPathExpression, pagination: Pagination,
                                                  stopOnShortPage: Bool) throws(PluginError) {
        guard !recordsPath.isDefinite else { return }
        if case .offset = pagination {
            throw .invalidConfig("\(config.path).records_path \(recordsPath) selects records with a wildcard or filter, which offset pagination cannot count; select the array (e.g. $.tasks) and pick values with column paths, or page by page number or cursor")
        }
        if stopOnShortPage, pagination.pageSize != nil {
            throw .invalidConfig("\(config.path).records_path \(recordsPath) selects records with a wildcard or filter, so a page can look short when it is not; set \"stop_on_short_page\": false (the read then ends at an empty page, the total or the last cursor)")
        }
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
