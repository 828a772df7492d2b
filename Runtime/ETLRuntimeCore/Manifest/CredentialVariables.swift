/// The variables plugin configs name in `*_env` keys (`token_env`, `key_env`, `password_env`,
/// ...) or in the values of a `*_env` object (`"body_env": {"password": "API_PASSWORD"}`). The plugin reads their values itself, from the process environment, which by then
/// holds the `.env` beside the manifest too (see `Manifest.exportDotEnv()`); the runtime
/// never substitutes them, so without this list their values would not be known as secrets
/// and a plugin echoing one in an error would print it.
enum CredentialVariables {
    /// One substitution per variable named under a `*_env` key anywhere in `root` (after
    /// `${VAR}` expansion) that has a value, read as the plugin will: environment first, then
    /// `.env`. Each name once, in document order.
    static func substitutions(
        in root: JSONNode, environment: [String: String], dotEnv: [String: String]
    ) -> [VariableSubstitution] {
        var names: [String] = []
        collectNames(root, into: &names)
        var seen: Set<String> = []
        return names.compactMap { name in
            guard seen.insert(name).inserted else { return nil }
            if let value = environment[name], !value.isEmpty {
                return VariableSubstitution(name: name, value: value, origin: .environment)
            }
            if let value = dotEnv[name], !value.isEmpty {
                return VariableSubstitution(name: name, value: value, origin: .dotEnvFile)
            }
            return nil
        }
    }

    private static func collectNames(_ node: JSONNode, into names: inout [String]) {
        switch node.content {
        case .object(let members):
            for member in members {
                if member.key.hasSuffix("_env"), let name = member.value.stringValue, DotEnvFile.isVariableName(name) {
                    names.append(name)
                } else if member.key.hasSuffix("_env"), case .object(let fields) = member.value.content {
                    // A map of fields to variables (the http login's `body_env`: {"password": "API_PASSWORD"}).
                    for field in fields {
                        if let name = field.value.stringValue, DotEnvFile.isVariableName(name) { names.append(name) }
                    }
                } else {
                    collectNames(member.value, into: &names)
                }
            }
        case .array(let elements):
            for element in elements { collectNames(element, into: &names) }
        case .null, .bool, .number, .string:
            break
        }
    }
}
