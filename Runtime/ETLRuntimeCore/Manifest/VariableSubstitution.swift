/// One `${VAR}` that was replaced while loading the manifest, kept so that
/// text from elsewhere (a plugin's error message echoing its config) can be
/// scrubbed with `Manifest.redacting(_:)` before it is logged.
public struct VariableSubstitution: Sendable, Hashable {
    /// The variable's name.
    public var name: String
    /// The value it was replaced with. Never print this.
    public var value: String
    /// Where the value came from.
    public var origin: Origin

    /// Where a substituted value came from.
    public enum Origin: String, Sendable {
        /// The process environment.
        case environment
        /// The `.env` file beside the manifest.
        case dotEnvFile
        /// The `:-default` written in the manifest.
        case defaultValue
    }

    /// Creates a substitution record.
    public init(name: String, value: String, origin: Origin) {
        self.name = name
        self.value = value
        self.origin = origin
    }

    /// What is printed instead of the value: `<value of ${CRM_TOKEN}>`.
    public var placeholder: String { "<value of ${\(name)}>" }
}
