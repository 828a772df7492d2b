/// One `${VAR}` that was replaced while loading the manifest, kept so that
/// text from elsewhere (a plugin's error message echoing its config) can be
/// scrubbed with `Manifest.redacting(_:)` before it is logged.
package struct VariableSubstitution: Sendable, Hashable {
    /// The variable's name.
    package var name: String
    /// The value it was replaced with. Never print this.
    package var value: String
    /// Where the value came from.
    package var origin: Origin

    /// Where a substituted value came from.
    package enum Origin: String, Sendable {
        /// The process environment.
        case environment
        /// The `.env` file beside the manifest.
        case dotEnvFile
        /// The `:-default` written in the manifest.
        case defaultValue
    }

    /// Creates a substitution record.
    package init(name: String, value: String, origin: Origin) {
        self.name = name
        self.value = value
        self.origin = origin
    }

    /// What is printed instead of the value: `<value of ${CRM_TOKEN}>`.
    package var placeholder: String { "<value of ${\(name)}>" }

    /// What is stored instead of the value: `${CRM_TOKEN}`, the text the manifest holds.
    package var reference: String { "${\(name)}" }

    /// A value from outside the manifest (the environment or `.env`) long enough to scrub: what
    /// is kept out of stored resume states. A `:-default` is written in the manifest for all to
    /// read, so it is no secret.
    package var isSecret: Bool {
        origin != .defaultValue && value.count >= Manifest.shortestRedactedValue
    }

    /// The value as it may appear in text: as is, and inside JSON strings (escaped, and with
    /// `/` escaped as some JSON writers do), so a resume state or a JSON log line is covered too.
    var textForms: [String] {
        let escaped = jsonEscaped
        return [value, escaped, escaped.replacingSlashes()]
    }

    /// The value as the inside of a JSON string.
    var jsonEscaped: String {
        String(JSONValue.string(value).serialized().dropFirst().dropLast())
    }
}

extension String {
    fileprivate func replacingSlashes() -> String {
        var result = ""
        for character in self {
            if character == "/" { result += "\\/" } else { result.append(character) }
        }
        return result
    }
}
