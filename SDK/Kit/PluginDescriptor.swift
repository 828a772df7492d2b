/// How a plugin presents itself to the host: the Swift side of `etl_plugin_descriptor`.
///
/// Declare it as `static let descriptor` on your `ETLSink` or `ETLSource` type. The kit copies
/// it into C strings once, when the library is loaded, and never frees them (the host never
/// unloads a plugin library). `PluginLibrary.entry` refuses the library with a message naming
/// the problem when the name is not `[a-z][a-z0-9_]*`, two plugins share a name, the config
/// schema is not a JSON object, or a capability does not fit the plugin's kind.
public struct PluginDescriptor: Sendable, Hashable {
    /// The manifest's `"plugin"` value: `[a-z][a-z0-9_]*`.
    public var name: String
    /// The plugin's own version, e.g. "1.2.0".
    public var version: String
    /// One line saying what the plugin does (shown by `list-plugins`).
    public var description: String
    /// What the plugin offers.
    public var capabilities: PluginCapabilities
    /// The JSON Schema of the plugin's config object, as JSON text. The host validates every
    /// config against it before `create`.
    public var configSchema: String
    /// The JSON Schema of the entry `options` the plugin honours (ABI 1.2), as JSON text, or nil
    /// when it honours none. The host checks each entry's options against it; the plugin reads
    /// them with `ReadRequest.entryOptions()` / `LoadRequest.entryOptions()`.
    public var entryOptionsSchema: String?

    /// Creates a descriptor.
    public init(
        name: String, version: String, description: String, capabilities: PluginCapabilities, configSchema: String,
        entryOptionsSchema: String? = nil
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.capabilities = capabilities
        self.configSchema = configSchema
        self.entryOptionsSchema = entryOptionsSchema
    }
}
