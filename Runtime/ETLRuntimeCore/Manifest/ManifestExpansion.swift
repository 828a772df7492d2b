/// The manifest tree after `${VAR}` expansion, with what is needed to keep
/// substituted values out of every message.
struct ManifestExpansion {
    /// A problem found while expanding (a missing variable, a malformed reference).
    struct Problem {
        let path: JSONPath
        let location: JSONLocation
        let message: String
    }

    var root: JSONNode
    /// Message renderings of substituted strings, by location.
    var redactions: [JSONLocation: String] = [:]
    /// Plain renderings of substituted strings, by location, for display values.
    var displayTexts: [JSONLocation: String] = [:]
    /// Strings whose expansion failed.
    var unresolved: Set<JSONLocation> = []
    /// Every substitution made, in document order.
    var substitutions: [VariableSubstitution] = []
    var problems: [Problem] = []

    /// Expands every string value (keys are left alone) under `root`.
    init(root: JSONNode, expander: EnvironmentExpander) {
        self.root = root
        self.root = expand(root, .root, expander)
    }

    private mutating func expand(_ node: JSONNode, _ path: JSONPath, _ expander: EnvironmentExpander) -> JSONNode {
        var result = node
        switch node.content {
        case .string(let template):
            guard template.contains("$") else { return node }
            let expansion = expander.expand(template)
            if let display = expansion.display { redactions[node.location] = display }
            if let displayText = expansion.displayText { displayTexts[node.location] = displayText }
            substitutions += expansion.substitutions.filter { $0.origin != .defaultValue || !$0.value.isEmpty }
            for name in expansion.missing {
                problems.append(Problem(
                    path: path, location: node.location,
                    message: "environment variable \(name) is not set and not in the .env file beside the manifest; "
                        + "export it, add it to .env, or write ${\(name):-default}"))
            }
            if let syntaxProblem = expansion.syntaxProblem {
                problems.append(Problem(path: path, location: node.location, message: syntaxProblem))
            }
            if !expansion.missing.isEmpty || expansion.syntaxProblem != nil {
                unresolved.insert(node.location)
            }
            result.content = .string(expansion.value)
        case .array(let elements):
            var expanded = elements
            for index in elements.indices {
                expanded[index] = expand(elements[index], path.appending(index: index), expander)
            }
            result.content = .array(expanded)
        case .object(let members):
            var expanded = members
            for index in members.indices {
                expanded[index].value = expand(members[index].value, path.appending(key: members[index].key), expander)
            }
            result.content = .object(expanded)
        case .null, .bool, .number:
            break
        }
        return result
    }

    /// `node` as a plain value with every substituted string shown as its placeholder.
    func displayValue(_ node: JSONNode) -> JSONValue {
        switch node.content {
        case .string(let text):
            return .string(displayTexts[node.location] ?? text)
        case .array(let elements):
            return .array(elements.map(displayValue))
        case .object(let members):
            return .object(JSONObject(members.map { ($0.key, displayValue($0.value)) }))
        case .null, .bool, .number:
            return node.value
        }
    }
}
