/// Expands `${VAR}`, `${VAR:-default}` and `$$` in manifest strings.
///
/// The real environment wins over `.env`, which wins over the default. A `$`
/// not followed by `{` or `$` is kept as written, so `"$offset"` needs no escaping.
struct EnvironmentExpander {
    /// The process environment.
    let environment: [String: String]
    /// Variables from the `.env` file beside the manifest.
    let dotEnv: [String: String]

    /// The outcome of expanding one string.
    struct Expansion {
        /// The expanded text (with unresolvable references left empty).
        var value: String
        /// A safe rendering for messages when a substitution happened, else nil:
        /// `<value of ${TOKEN}>` alone, or a quoted `"Bearer <value of ${TOKEN}>"`.
        var display: String?
        /// The same text unquoted, for showing as a value (`Bearer <value of ${TOKEN}>`).
        var displayText: String?
        /// The substitutions made.
        var substitutions: [VariableSubstitution] = []
        /// Variables that were set nowhere and had no default.
        var missing: [String] = []
        /// A malformed `${` reference, described without the string's other text.
        var syntaxProblem: String?
    }

    func expand(_ template: String) -> Expansion {
        var value = ""
        var display = ""
        var expansion = Expansion(value: "")
        var referenceCount = 0
        var onlyReference = true
        let characters = Array(template)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                value.append(character)
                display.append(character)
                onlyReference = false
                index += 1
                continue
            }
            let next = characters[index + 1]
            if next == "$" {
                value.append("$")
                display.append("$")
                onlyReference = false
                index += 2
                continue
            }
            guard next == "{" else {
                value.append(character)
                display.append(character)
                onlyReference = false
                index += 1
                continue
            }
            guard let close = characters[(index + 2)...].firstIndex(of: "}") else {
                expansion.syntaxProblem = "unterminated \"${\"; close it with \"}\", or write \"$$\" for a literal \"$\""
                break
            }
            let body = String(characters[(index + 2)..<close])
            let name: String
            let defaultValue: String?
            if let separator = body.firstRange(of: ":-") {
                name = String(body[..<separator.lowerBound])
                defaultValue = String(body[separator.upperBound...])
            } else {
                name = body
                defaultValue = nil
            }
            guard DotEnvFile.isVariableName(name) else {
                expansion.syntaxProblem = "\"${\(body)}\" is not a variable reference; a name is letters, digits "
                    + "and _ (not starting with a digit); write \"$$\" for a literal \"$\""
                break
            }
            referenceCount += 1
            let substitution: VariableSubstitution
            if let found = environment[name] {
                substitution = VariableSubstitution(name: name, value: found, origin: .environment)
            } else if let found = dotEnv[name] {
                substitution = VariableSubstitution(name: name, value: found, origin: .dotEnvFile)
            } else if let defaultValue {
                substitution = VariableSubstitution(name: name, value: defaultValue, origin: .defaultValue)
            } else {
                expansion.missing.append(name)
                substitution = VariableSubstitution(name: name, value: "", origin: .defaultValue)
            }
            expansion.substitutions.append(substitution)
            value += substitution.value
            display += substitution.placeholder
            index = close + 1
        }
        expansion.value = value
        if referenceCount > 0 {
            let placeholderOnly = onlyReference && referenceCount == 1
            expansion.display = placeholderOnly ? display : JSONValue.string(display).serialized()
            expansion.displayText = display
        }
        return expansion
    }
}
