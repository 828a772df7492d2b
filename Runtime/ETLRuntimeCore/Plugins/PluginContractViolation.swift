/// A plugin said something the host can prove wrong: a batch that breaks Arrow's rules or is
/// longer than asked for, no checkpoint where one is needed, a committed-row count that does
/// not match the load. The plugin is at fault, so the message names it and says what it must do.
package struct PluginContractViolation: Error, Sendable, CustomStringConvertible {
    /// The plugin, e.g. `source plugin "csv"`.
    package var plugin: String
    /// What it did and what the host did about it.
    package var description: String

    init(_ plugin: LoadedPlugin, _ problem: String) {
        self.plugin = "\(plugin.info.kind.rawValue) plugin \"\(plugin.info.name)\""
        description = "\(self.plugin) \(problem)"
    }
}
