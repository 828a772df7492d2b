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
    /// How the records' cursor values (and the resume state and `initial_value`, which hold
    /// one) are read when they are numbers or numeric strings: milliseconds for epoch_millis,
    /// seconds otherwise; ISO 8601 text is always read as such. `cursor_format`, by default
    /// `format`: set it when the API writes its records in another unit than its filter takes.
    var cursorFormat: WatermarkFormat
    /// The record's cursor value (`$.updated_at`).
    var cursorPath: JSONPathExpression

    /// Reads a stream's `incremental` object.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["param", "in", "format", "cursor_format", "cursor_path"])
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
        let cursorFormatName = try config.string("cursor_format", default: formatName)
        guard let cursorFormat = WatermarkFormat(rawValue: cursorFormatName) else {
            throw .invalidConfig("\(config.path).cursor_format \"\(cursorFormatName)\" is unknown; use iso8601, epoch_seconds or epoch_millis (how the records write their cursor)")
        }
        self.cursorFormat = cursorFormat
        cursorPath = try JSONPathExpression(try config.string("cursor_path"), where: "\(config.path).cursor_path")
    }
}
