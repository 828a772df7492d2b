import ETLPluginKit

extension ColumnSpec {
    /// The `key` array of column objects in `config`, or nil when absent.
    /// - Throws: `ETL_INVALID_CONFIG` for an empty array or an item that is no column.
    static func list(_ config: PluginConfig, _ key: String) throws(PluginError) -> [ColumnSpec]? {
        guard let value = config.value(key) else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw .invalidConfig("\(config.path).\(key) must be a non-empty array of {\"name\", \"path\", \"type\"} objects")
        }
        var columns: [ColumnSpec] = []
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item else {
                throw .invalidConfig("\(config.path).\(key)[\(index)] must be an object (found \(item.kindDescription))")
            }
            columns.append(try ColumnSpec(PluginConfig(members: members, path: "\(config.path).\(key)[\(index)]")))
        }
        return columns
    }
}
