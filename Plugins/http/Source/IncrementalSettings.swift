import ETLPluginKit

/// Where a stream's watermark goes and where each record's cursor value comes from.
struct IncrementalSettings: Sendable, Hashable {
    /// Where the watermark is sent.
    enum Placement: String, Sendable, Hashable {
        case query, body
    }

    /// The query parameter or body field name (`updated_since`).
    var parameter: String
    /// Query or body.
    var placement: Placement
    /// How the watermark is written.
    var format: WatermarkFormat
    /// The record's cursor value (`$.updated_at`).
    var cursorPath: JSONPathExpression
    /// The API returns records in cursor order (`sorted_by_cursor`): the watermark may then
    /// advance after every batch, and the source checks the order. Otherwise it advances only
    /// at the end of a complete read, since an unread record may be older than any read so far.
    var sortedByCursor: Bool

    /// Reads a stream's `incremental` object.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["param", "in", "format", "cursor_path", "sorted_by_cursor"])
        parameter = try config.string("param")
        let placementName = try config.string("in", default: "query")
        guard let placement = Placement(rawValue: placementName) else {
            throw .invalidConfig("\(config.path).in \"\(placementName)\" is unknown; use \"query\" or \"body\"")
        }
        self.placement = placement
        let formatName = try config.string("format", default: "iso8601")
        guard let format = WatermarkFormat(rawValue: formatName) else {
            throw .invalidConfig("\(config.path).format \"\(formatName)\" is unknown; use iso8601, epoch_seconds or epoch_millis")
        }
        self.format = format
        cursorPath = try JSONPathExpression(try config.string("cursor_path"), where: "\(config.path).cursor_path")
        sortedByCursor = try config.bool("sorted_by_cursor", default: false)
    }
}
