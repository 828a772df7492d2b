/// Decodes the manifest's top level, its sources and sinks (entries and
/// transforms live in extensions). Reports through the reader and never stops early.
struct ManifestDecoder {
    let reader: ManifestReader
    /// The manifest's folder; relative paths resolve against it.
    let directory: String

    static let topLevelKeys = ["manifest_version", "plugin_dirs", "state", "sources", "sinks", "control_table", "notify"]
    static let endpointKeys = ["plugin", "config", "description"]
    static let defaultStatePath = "state/etl_state.db"
    static let supportedVersion = 1

    func decode(_ root: JSONNode) -> ManifestDraft {
        var draft = ManifestDraft(statePath: PathResolver.absolute(ManifestDecoder.defaultStatePath, relativeTo: directory))
        guard let top = reader.object(root, .root, allowed: ManifestDecoder.topLevelKeys) else { return draft }

        if let node = top["manifest_version"] {
            if case .number(let number) = node.content, number.int64Value == Int64(ManifestDecoder.supportedVersion) {
                draft.version = ManifestDecoder.supportedVersion
            } else {
                reader.report(top.path.appending(key: "manifest_version"), at: node.location,
                              "expected 1, got \(reader.describe(node)); this etl-runtime reads manifest version 1")
            }
        } else {
            reader.report(.root, at: root.location, "missing required key \"manifest_version\"; add \"manifest_version\": 1")
        }
        if let node = top["plugin_dirs"],
            let folders = reader.strings(node, top.path.appending(key: "plugin_dirs"), nonEmpty: false, what: "folder paths") {
            draft.pluginDirectories = folders.map { PathResolver.absolute($0, relativeTo: directory) }
        }
        if let node = top["state"] {
            let path = top.path.appending(key: "state")
            if let state = reader.object(node, path, allowed: ["path", "url", "schema", "password_env"]) {
                decodeState(state, node, path, into: &draft)
            }
        }
        if let node = top["sources"] {
            draft.sources = endpoints(node, top.path.appending(key: "sources"), kind: .source)
        }
        if let node = top["sinks"] {
            draft.sinks = endpoints(node, top.path.appending(key: "sinks"), kind: .sink)
        }
        if let node = top["control_table"] {
            draft.entries = entries(node, top.path.appending(key: "control_table"))
        }
        decodeOperations(top, into: &draft)
        return draft
    }

    private func endpoints(_ node: JSONNode, _ path: JSONPath, kind: PluginKind) -> [EndpointDraft] {
        guard let members = node.members else {
            reader.report(path, at: node.location, "expected an object of named \(kind)s, got \(reader.describe(node))")
            return []
        }
        return members.map { member in
            let memberPath = path.appending(key: member.key)
            // Still declared when refused: entries naming it should not also be told it does not exist.
            checkIdentifier(member.key, memberPath, at: member.keyLocation)
            return endpoint(member.key, member.value, memberPath, kind: kind)
        }
    }

    private func endpoint(_ name: String, _ node: JSONNode, _ path: JSONPath, kind: PluginKind) -> EndpointDraft {
        var draft = EndpointDraft(
            name: name, kind: kind, path: path, node: node,
            configNode: JSONNode(location: node.location, content: .object([])))
        guard let object = reader.object(node, path, allowed: ManifestDecoder.endpointKeys, required: ["plugin"]) else {
            // Still declared: entries naming it should not also be told it does not exist.
            draft.configIsObject = false
            return draft
        }
        if let pluginNode = object["plugin"] {
            draft.plugin = reader.string(pluginNode, path.appending(key: "plugin"))
            draft.pluginNode = pluginNode
        }
        if let configNode = object["config"] {
            if configNode.members == nil {
                reader.report(path.appending(key: "config"), at: configNode.location,
                              "expected an object, got \(reader.describe(configNode))")
                draft.configIsObject = false
            } else {
                draft.configNode = configNode
            }
        }
        if let descriptionNode = object["description"] {
            draft.description = reader.displayString(descriptionNode, path.appending(key: "description"))
        }
        return draft
    }
}
