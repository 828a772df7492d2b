import ETLPluginKit

/// One output column: its name, where its value sits in a record, and its type.
struct ColumnSpec: Sendable, Hashable {
    /// The column name.
    var name: String
    /// Where the value is in a record (`$.assignees[0].username`).
    var path: JSONPathExpression
    /// The type the value loads as.
    var type: ColumnType
    /// For timestamp and date columns, how values are written (`format`): nil accepts ISO 8601
    /// text and numbers of seconds since the epoch; `iso8601` only the text; `epoch_seconds` and
    /// `epoch_millis` numbers (or numeric strings) in that unit.
    var timeFormat: WatermarkFormat?

    /// Creates a column.
    init(name: String, path: JSONPathExpression, type: ColumnType, timeFormat: WatermarkFormat? = nil) {
        self.name = name
        self.path = path
        self.type = type
        self.timeFormat = timeFormat
    }

    /// Reads one item of a stream's `columns` array.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["name", "path", "type", "format"])
        name = try config.string("name")
        path = try config.optionalString("path").map { text throws(PluginError) in try JSONPathExpression(text, where: "\(config.path).path") }
            ?? JSONPathExpression(member: name)
        let typeName = try config.string("type", default: "text")
        guard let type = ColumnType(rawValue: typeName) else {
            throw .invalidConfig("\(config.path).type \"\(typeName)\" is unknown; use one of \(ColumnType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.type = type
        if let formatName = try config.optionalString("format") {
            guard type == .timestamp || type == .date else {
                throw .invalidConfig("\(config.path).format applies to timestamp and date columns only (this one is \(type.rawValue)); remove it or change the type")
            }
            guard let format = WatermarkFormat(rawValue: formatName) else {
                throw .invalidConfig("\(config.path).format \"\(formatName)\" is unknown; use \"iso8601\", \"epoch_seconds\" or \"epoch_millis\"")
            }
            timeFormat = format
        } else {
            timeFormat = nil
        }
    }
}
