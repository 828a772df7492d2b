/// A loaded and checked `plugins.json`: typed values for every key, with every
/// relative path made absolute against the manifest's folder.
///
/// Only `ManifestLoader.load` makes one, and only when the file had no mistake.
package struct Manifest: Sendable {
    /// The manifest file, absolute.
    package var manifestPath: String
    /// The folder that relative paths resolved against, absolute.
    package var manifestDirectory: String
    /// `manifest_version` (always 1 today).
    package var manifestVersion: Int
    /// `plugin_dirs`, absolute, in the written order.
    package var pluginDirectories: [String]
    /// `state.path`, absolute (default `state/etl_state.db` beside the manifest).
    package var statePath: String
    /// `state.url` (with `schema`, `password_env`): the state in PostgreSQL instead of `statePath`.
    package var stateServer: PostgresStateServer? = nil
    /// The manifest-wide `notify`: every entry's default (see `notifyPolicy(for:)`).
    package var notify: NotifyPolicy? = nil
    /// `sources`, in the written order.
    package var sources: [ManifestEndpoint]
    /// `sinks`, in the written order.
    package var sinks: [ManifestEndpoint]
    /// `control_table`, in the written order.
    package var controlTable: [ControlEntry]
    /// Every `${VAR}` that was replaced, then every variable a `*_env` config key names
    /// (`token_env`, `password_env`, ...) with the value the plugin will read: the values
    /// `redacting(_:)` hides and `secretForm` keeps out of stored states.
    package var substitutions: [VariableSubstitution]
    /// The variables of the `.env` beside the manifest, for `exportDotEnv()`. Never print them.
    package var dotEnv: [String: String]

    /// Where the state database is: `stateServer` when set, else the file at `statePath`.
    package var stateLocation: StateLocation {
        stateServer.map { .server($0) } ?? .file(statePath)
    }

    /// Creates a manifest.
    package init(
        manifestPath: String, manifestDirectory: String, manifestVersion: Int, pluginDirectories: [String],
        statePath: String, sources: [ManifestEndpoint], sinks: [ManifestEndpoint], controlTable: [ControlEntry],
        substitutions: [VariableSubstitution], dotEnv: [String: String] = [:]
    ) {
        self.manifestPath = manifestPath
        self.manifestDirectory = manifestDirectory
        self.manifestVersion = manifestVersion
        self.pluginDirectories = pluginDirectories
        self.statePath = statePath
        self.sources = sources
        self.sinks = sinks
        self.controlTable = controlTable
        self.substitutions = substitutions
        self.dotEnv = dotEnv
    }

    /// The source declared under `name`.
    package func source(named name: String) -> ManifestEndpoint? {
        sources.first { $0.name == name }
    }

    /// The sink declared under `name`.
    package func sink(named name: String) -> ManifestEndpoint? {
        sinks.first { $0.name == name }
    }

    /// The control-table entry with `id`.
    package func entry(id: String) -> ControlEntry? {
        controlTable.first { $0.id == id }
    }

    /// Values shorter than this are not scrubbed by `redacting(_:)`: replacing
    /// every "5" or "on" in a message would make it unreadable, and such short
    /// values are not secrets.
    package static let shortestRedactedValue = 4

    /// `text` with every substituted value replaced by its `<value of ${VAR}>`
    /// placeholder; use it on any text a plugin produced before logging it.
    package func redacting(_ text: String) -> String {
        Manifest.redacting(text, substitutions: substitutions)
    }

    /// `text` with every value of `substitutions` (as written, or escaped in a JSON string)
    /// replaced by its placeholder, longest values first.
    static func redacting(_ text: String, substitutions: [VariableSubstitution]) -> String {
        let replacements = LiteralReplacements(substitutions
            .filter { $0.value.count >= Manifest.shortestRedactedValue }
            .flatMap { substitution in substitution.textForms.map { (find: $0, replaceWith: substitution.placeholder) } })
        return replacements.apply(to: text)
    }
}
