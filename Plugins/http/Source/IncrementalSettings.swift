import ETLPluginKit

/// Where a stream's watermark goes and where each record's cursor value comes from.
struct IncrementalSettings: Sendable, Hashable {
    /// Where the watermark is sent.
    enum Placement: String, Sendable, Hashable {
        case query, body, header
    }

    /// The query parameter, body member or header name (`updated_since`), or the `body_path`
    /// text for a watermark deep in the body.
    var parameter: String
    /// Query, body or header.
    var placement: Placement
    /// For `in: body`: where the watermark goes (`$.updated_since` for `param`, or `body_path`).
    var bodyPath: JSONPathExpression?
    /// How the watermark is written.
    var format: WatermarkFormat
    /// How the records' cursor values (and the resume state and `initial_value`, which hold
    /// one) are read when they are numbers or numeric strings: milliseconds for epoch_millis,
    /// seconds otherwise; ISO 8601 text is always read as such. `cursor_format`, by default
    /// `format`: set it when the API writes its records in another unit than its filter takes.
    var cursorFormat: WatermarkFormat
    /// The record's cursor value (`$.updated_at`).
    var cursorPath: JSONPathExpression
    /// The API returns records in cursor order (`sorted_by_cursor`): the watermark may then
    /// advance after every batch, and the source checks the order. Otherwise it advances only
    /// at the end of a complete read, since an unread record may be older than any read so far.
    var sortedByCursor: Bool

    /// Reads a stream's `incremental` object.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["param", "in", "body_path", "format", "cursor_format", "cursor_path", "sorted_by_cursor"])
        let placementName = try config.string("in", default: "query")
        guard let placement = Placement(rawValue: placementName) else {
            throw .invalidConfig("\(config.path).in \"\(placementName)\" is unknown; use \"query\", \"body\" or \"header\"")
        }
        self.placement = placement
        let param = try config.optionalString("param")
        let bodyPathText = try config.optionalString("body_path")
        switch (placement, param, bodyPathText) {
        case (.body, let name?, nil):
            parameter = name
            bodyPath = JSONPathExpression(member: name)
        case (.body, nil, let text?):
            parameter = text
            bodyPath = try BodyPath.parse(text, where: "\(config.path).body_path")
        case (.body, _, _):
            throw .invalidConfig("\(config.path) needs exactly one of \"param\" (a top-level body member) or \"body_path\" (e.g. \"$.filterGroups[0].filters[0].value\") with \"in\": \"body\"")
        case (_, _, _?):
            throw .invalidConfig("\(config.path).body_path only applies with \"in\": \"body\" (found \"in\": \"\(placement.rawValue)\"); remove it or use param")
        case (_, let name?, nil):
            parameter = name
            bodyPath = nil
        case (_, nil, nil):
            throw .invalidConfig("\(config.path).param is required: the \(placement == .header ? "header" : "query parameter") that carries the watermark")
        }
        let formatName = try config.string("format", default: "iso8601")
        guard let format = WatermarkFormat(rawValue: formatName) else {
            throw .invalidConfig("\(config.path).format \"\(formatName)\" is unknown; use iso8601, epoch_seconds or epoch_millis")
        }
        self.format = format
        let cursorFormatName = try config.string("cursor_format", default: formatName)
        guard let cursorFormat = WatermarkFormat(rawValue: cursorFormatName) else {
            throw .invalidConfig("\(config.path).cursor_format \"\(cursorFormatName)\" is unknown; use iso8601, epoch_seconds or epoch_millis (how the records write their cursor)")
        }
        self.cursorFormat = cursorFormat
        cursorPath = try JSONPathExpression(try config.string("cursor_path"), where: "\(config.path).cursor_path")
        sortedByCursor = try config.bool("sorted_by_cursor", default: false)
    }
}
