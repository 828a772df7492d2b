/// What the runtime knows about one plugin after loading its library: everything
/// `list-plugins` prints and `validate` checks, with no pointer into the library, so it
/// can cross a process boundary (probing happens in a child process).
package struct PluginInfo: Sendable, Codable, Equatable {
    /// The manifest's `plugin` value.
    package var name: String
    package var kind: PluginKind
    /// The plugin's own version string.
    package var version: String
    package var description: String
    /// Capability names (see `PluginCapability`).
    package var capabilities: [String]
    /// The JSON Schema of the plugin's `config` object, as the plugin published it.
    package var configSchemaJSON: String
    /// The JSON Schema of the entry `options` the plugin honours (ABI 1.2), or nil when it honours
    /// none.
    package var entryOptionsSchemaJSON: String?
    /// The ABI version the library was built against, "major.minor".
    package var abiVersion: String
    /// Absolute path of the shared library.
    package var libraryPath: String

    package init(
        name: String, kind: PluginKind, version: String, description: String, capabilities: [String],
        configSchemaJSON: String, abiVersion: String, libraryPath: String, entryOptionsSchemaJSON: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.version = version
        self.description = description
        self.capabilities = capabilities
        self.configSchemaJSON = configSchemaJSON
        self.abiVersion = abiVersion
        self.libraryPath = libraryPath
        self.entryOptionsSchemaJSON = entryOptionsSchemaJSON
    }

    /// The view of this plugin the manifest checks need.
    package var contract: PluginContract {
        PluginContract(
            name: name, kind: kind, capabilities: Set(capabilities), configSchemaJSON: configSchemaJSON,
            libraryPath: libraryPath, entryOptionsSchemaJSON: entryOptionsSchemaJSON)
    }
}

/// A plugin file that could not be used, or one plugin of it that was refused by name, and
/// why. `list-plugins` prints these as "loadable: no"; they never stop the runtime.
package struct PluginLoadFailure: Sendable, Codable, Equatable, Error, CustomStringConvertible {
    /// Absolute path of the file.
    package var libraryPath: String
    /// One sentence: what is wrong and, where possible, how to fix it.
    package var reason: String
    /// The plugin refused, when the library loaded but one of its plugins' names is taken
    /// (see `PluginNameRules`); nil when the whole library is unusable.
    package var plugin: String?

    package init(libraryPath: String, reason: String, plugin: String? = nil) {
        self.libraryPath = libraryPath
        self.reason = reason
        self.plugin = plugin
    }

    package var description: String { "\(libraryPath): \(reason)" }
}

extension PluginKind: Codable {}
