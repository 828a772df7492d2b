/// Whether a plugin reads data (source) or writes it (sink).
package enum PluginKind: String, Sendable {
    /// Reads records: a connector.
    case source
    /// Writes records: a warehouse, a file, an API.
    case sink
}

/// What the manifest checks need to know about one plugin, as the plugin
/// loader found it. Kept free of any loader type so the manifest can be
/// validated without opening a library (tests pass contracts directly).
package struct PluginContract: Sendable, Hashable {
    /// The name a manifest's `"plugin"` value refers to.
    package var name: String
    /// Source or sink.
    package var kind: PluginKind
    /// Capability names (`PluginCapability`): "incremental", "merge", "scd2", "transactional",
    /// "sql", "append", "replace", "discover", "models", "positions".
    package var capabilities: Set<String>
    /// The JSON Schema of the plugin's `config` object, as the plugin published it.
    package var configSchemaJSON: String
    /// The JSON Schema of the entry `options` the plugin honours, or nil when it honours none.
    package var entryOptionsSchemaJSON: String?
    /// The shared library the plugin lives in, for messages.
    package var libraryPath: String

    /// Creates a contract.
    package init(
        name: String, kind: PluginKind, capabilities: Set<String>, configSchemaJSON: String, libraryPath: String,
        entryOptionsSchemaJSON: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.capabilities = capabilities
        self.configSchemaJSON = configSchemaJSON
        self.libraryPath = libraryPath
        self.entryOptionsSchemaJSON = entryOptionsSchemaJSON
    }
}

/// The answer to "which plugin is called NAME?".
package enum PluginContractLookup: Sendable {
    /// The plugin exists and loaded.
    case found(PluginContract)
    /// No plugin has that name; `available` lists the names that do exist (for did-you-mean).
    case notFound(available: [String])
    /// A library claims the name but cannot be used (wrong ABI, failed to load, ...).
    case unusable(reason: String)
}

/// Supplies plugin contracts to `ManifestLoader.load`; the plugin loader conforms.
package protocol PluginContractProviding: Sendable {
    /// Looks a plugin up by the name a manifest uses.
    func contract(forPlugin name: String) -> PluginContractLookup

    /// Looks a plugin up by name and the kind the manifest needs.
    ///
    /// A library may ship a source and a sink under one name (`sqlite`); a
    /// provider that can tell them apart implements this. The default answers
    /// with `contract(forPlugin:)`, and the loader then reports a kind mismatch.
    func contract(forPlugin name: String, kind: PluginKind) -> PluginContractLookup

    /// Libraries on the search path that could not be loaded at all, each as "PATH (reason)":
    /// a plugin no library offers may be in one of them, so a "no plugin named" names them.
    var unloadableLibraries: [String] { get }
}

extension PluginContractProviding {
    /// None, for providers that know no libraries.
    package var unloadableLibraries: [String] { [] }

    /// Falls back to the name-only lookup.
    package func contract(forPlugin name: String, kind: PluginKind) -> PluginContractLookup {
        contract(forPlugin: name)
    }
}

/// Sentences about plugin lookups that the manifest checks and the loader share.
enum PluginContractText {
    /// "2 plugin libraries on the search path could not be loaded and may hold it: A (why); B (why)".
    static func unloadable(_ libraries: [String]) -> String {
        let count = libraries.count
        return "\(count) plugin \(count == 1 ? "library" : "libraries") on the search path could not be loaded "
            + "and may hold it: \(libraries.joined(separator: "; "))"
    }
}
