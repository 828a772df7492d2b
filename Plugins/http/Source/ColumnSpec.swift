import ETLPluginKit

/// One output column: its name, where its value sits in a record, and its type.
struct ColumnSpec: Sendable, Hashable {
    /// The column name.
    var name: String
    /// Where the value is in a record (`$.assignees[0].username`).
    var path: JSONPathExpression
    /// The type the value loads as.
    var type: ColumnType

    /// Creates a column.
    init(name: String, path: JSONPathExpression, type: ColumnType) {
        self.name = name
        self.path = path
        self.type = type
    }

    /// Reads one item of a stream's `columns` array.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["name", "path", "type"])
        name = try config.string("name")
        path = try config.optionalString("path").map { text throws(PluginError) in try JSONPathExpression(text, where: "\(config.path).path") }
            ?? JSONPathExpression(member: name)
        let typeName = try config.string("type", default: "text")
        guard let type = ColumnType(rawValue: typeName) else {
            throw .invalidConfig("\(config.path).type \"\(typeName)\" is unknown; use one of \(ColumnType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.type = type
    }
}
