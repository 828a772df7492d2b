import ETLPluginKit

/// Arrays of objects in a config or a resume state (`columns`, `files`): the one place that
/// looks at raw JSON values, so the rest of the plugin uses `PluginConfig`'s typed getters.
enum ConfigObjectList {
    /// The objects in the array at `key`, each as a `PluginConfig` whose messages say
    /// `path.key[index]`; nil when the key is absent.
    /// - Throws: `ETL_INVALID_CONFIG` when the value is not an array of objects.
    static func objects(_ config: PluginConfig, _ key: String) throws(PluginError) -> [PluginConfig]? {
        guard let value = config.value(key) else { return nil }
        guard case .array(let items) = value else {
            throw .invalidConfig("\(config.path).\(key) must be an array of objects (found \(value.kindDescription))")
        }
        var objects: [PluginConfig] = []
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item else {
                throw .invalidConfig("\(config.path).\(key)[\(index)] must be an object (found \(item.kindDescription))")
            }
            objects.append(PluginConfig(members: members, path: "\(config.path).\(key)[\(index)]"))
        }
        return objects
    }
}
