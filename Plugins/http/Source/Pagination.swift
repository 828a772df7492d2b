import ETLPluginKit

/// How a stream walks through pages.
enum Pagination: Sendable, Hashable {
    /// `?page=N&per_page=M`, pages counted from `startPage`; `totalPath` gives the record count.
    case pageNumber(pageParam: String, sizeParam: String?, pageSize: Int64, startPage: Int64, totalPath: JSONPathExpression?)
    /// `?offset=O&limit=L`; `totalPath` gives the record count.
    case offset(offsetParam: String, limitParam: String, limit: Int64, totalPath: JSONPathExpression?)
    /// `?cursor=C`, the next cursor read from `cursorPath` of each response (null or "" ends).
    case cursor(cursorParam: String, cursorPath: JSONPathExpression, limitParam: String?, limit: Int64?)
    /// The `Link: <url>; rel="next"` response header.
    case linkHeader
    /// One request.
    case none

    /// Reads a stream's `pagination` object (absent means none).
    init(_ config: PluginConfig?) throws(PluginError) {
        guard let config else {
            self = .none
            return
        }
        let type = try config.string("type")
        switch type {
        case "page_number":
            try config.rejectUnknownKeys(allowed: ["type", "page_param", "size_param", "page_size", "start_page", "total_path", "allow_short_read"])
            self = .pageNumber(pageParam: try config.string("page_param", default: "page"), sizeParam: try config.optionalString("size_param"),
                               pageSize: try Self.positive(config, "page_size", default: 50),
                               startPage: try config.int("start_page", default: 1),
                               totalPath: try Self.path(config, "total_path"))
        case "offset":
            try config.rejectUnknownKeys(allowed: ["type", "offset_param", "limit_param", "limit", "total_path", "allow_short_read"])
            self = .offset(offsetParam: try config.string("offset_param", default: "offset"),
                           limitParam: try config.string("limit_param", default: "limit"),
                           limit: try Self.positive(config, "limit", default: 100), totalPath: try Self.path(config, "total_path"))
        case "cursor":
            try config.rejectUnknownKeys(allowed: ["type", "cursor_param", "cursor_path", "limit_param", "limit"])
            guard let cursorPath = try Self.path(config, "cursor_path") else {
                throw .invalidConfig("\(config.path).cursor_path is required for cursor pagination, e.g. \"$.meta.next_cursor\"")
            }
            let limit = config.contains("limit") ? try Self.positive(config, "limit", default: 100) : nil
            self = .cursor(cursorParam: try config.string("cursor_param", default: "cursor"), cursorPath: cursorPath,
                           limitParam: try config.optionalString("limit_param") ?? (limit == nil ? nil : "limit"), limit: limit)
        case "link_header":
            try config.rejectUnknownKeys(allowed: ["type"])
            self = .linkHeader
        case "none":
            try config.rejectUnknownKeys(allowed: ["type"])
            self = .none
        default:
            throw .invalidConfig("\(config.path).type \"\(type)\" is unknown; use page_number, offset, cursor, link_header or none")
        }
    }

    /// Reads `allow_short_read`, which only means something next to a `total_path`.
    static func allowsShortRead(_ config: PluginConfig?) throws(PluginError) -> Bool {
        guard let config, config.contains("allow_short_read") else { return false }
        guard config.contains("total_path") else {
            throw .invalidConfig("\(config.path).allow_short_read needs \(config.path).total_path: without a total the source cannot tell a short read; remove allow_short_read or add total_path")
        }
        return try config.bool("allow_short_read", default: false)
    }

    /// The records a full page holds, when the style says (for `stop_on_short_page`).
    var pageSize: Int64? {
        switch self {
        case .pageNumber(_, _, let size, _, _): return size
        case .offset(_, _, let limit, _): return limit
        case .cursor(_, _, _, let limit): return limit
        case .linkHeader, .none: return nil
        }
    }

    /// The request parameters the style sends, by config key (for checking them).
    var parameterNames: [(key: String, name: String)] {
        switch self {
        case .pageNumber(let page, let size, _, _, _):
            return [("page_param", page)] + (size.map { [("size_param", $0)] } ?? [])
        case .offset(let offset, let limit, _, _):
            return [("offset_param", offset), ("limit_param", limit)]
        case .cursor(let cursor, _, let limit, _):
            return [("cursor_param", cursor)] + (limit.map { [("limit_param", $0)] } ?? [])
        case .linkHeader, .none:
            return []
        }
    }

    private static func positive(_ config: PluginConfig, _ key: String, default value: Int64) throws(PluginError) -> Int64 {
        let number = try config.int(key, default: value)
        guard number > 0 else { throw .invalidConfig("\(config.path).\(key) must be positive (found \(number))") }
        return number
    }

    private static func path(_ config: PluginConfig, _ key: String) throws(PluginError) -> JSONPathExpression? {
        guard let text = try config.optionalString(key) else { return nil }
        return try JSONPathExpression(text, where: "\(config.path).\(key)")
    }
}
