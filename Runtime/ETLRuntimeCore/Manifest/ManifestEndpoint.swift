/// A configured source or sink: a name in the manifest's `sources` or `sinks`,
/// the plugin that serves it and the config handed to that plugin.
package struct ManifestEndpoint: Sendable, Hashable {
    /// The key under `sources` or `sinks` (what entries refer to).
    package var name: String
    /// Whether it was declared under `sources` or `sinks`.
    package var kind: PluginKind
    /// The plugin name (`"csv"`, `"sqlite"`).
    package var plugin: String
    /// The config after `${VAR}` expansion and, when the plugin's schema was known,
    /// with `"format": "path"` strings made absolute. May hold secrets: do not print it.
    package var config: JSONValue
    /// `config` as compact JSON text, ready for the plugin's `create`.
    package var configJSON: String
    /// `config` with every substituted string replaced by `<value of ${VAR}>`: safe to print.
    package var displayConfig: JSONValue
    /// The user's one-line description, if any (substitutions shown as placeholders).
    package var description: String?
    /// The plugin's contract, when a provider was given to the loader.
    package var contract: PluginContract?
    /// Why the plugin cannot be used (missing, in a library that failed to load, ambiguous,
    /// with a broken schema), when the loader was asked to fail only the entries that use it
    /// (`ManifestLoader.PluginProblems.failTheirEntries`). Such an endpoint must not be run.
    package var pluginProblem: String?
    /// Where it is declared, e.g. `$.sources.census`.
    package var jsonPath: String
    /// The line of its declaration in the manifest.
    package var line: Int

    /// Creates an endpoint.
    package init(
        name: String, kind: PluginKind, plugin: String, config: JSONValue, displayConfig: JSONValue,
        description: String?, contract: PluginContract?, jsonPath: String, line: Int, pluginProblem: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.plugin = plugin
        self.config = config
        self.configJSON = config.serialized()
        self.displayConfig = displayConfig
        self.description = description
        self.contract = contract
        self.pluginProblem = pluginProblem
        self.jsonPath = jsonPath
        self.line = line
    }
}
