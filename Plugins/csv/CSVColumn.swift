import ETLPluginKit

/// One declared column: `{"name": "age", "type": "int64", "nullable": false}`.
struct CSVColumn: Sendable, Hashable {
    /// The column name (as the header writes it, when the file has one).
    let name: String
    /// The declared type.
    let type: CSVColumnType
    /// The compiled `format` of a timestamp or date column, nil for the default reading.
    let format: DateTimeFormat?
    /// Whether a value in `null_values` is accepted (as null) or rejects the row.
    let nullable: Bool

    /// Creates a column directly (text columns found in a header).
    init(name: String, type: CSVColumnType, format: DateTimeFormat? = nil, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.format = format
        self.nullable = nullable
    }

    /// Reads one entry of `columns`.
    /// - Throws: `ETL_INVALID_CONFIG` naming the entry's path for a missing or empty name, an
    ///   unknown type, a format on a type that has none, a bad format, or an unknown key.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["name", "type", "format", "nullable"])
        let name = try config.string("name")
        guard !name.isEmpty else { throw .invalidConfig("\(config.path).name is empty: give the column a name") }
        let typeName = try config.string("type")
        guard let type = CSVColumnType(rawValue: typeName) else {
            throw .invalidConfig("\(config.path).type \"\(typeName)\" is not a csv column type; use one of \(CSVColumnType.nameList)")
        }
        var format: DateTimeFormat?
        if let pattern = try config.optionalString("format") {
            guard type.acceptsFormat else {
                throw .invalidConfig("\(config.path).format applies only to \"timestamp\" and \"date\" columns; remove it from column \"\(name)\"")
            }
            format = try DateTimeFormat(pattern, forDate: type == .date, path: "\(config.path).format")
        }
        self.init(name: name, type: type, format: format, nullable: try config.bool("nullable", default: true))
    }
}
