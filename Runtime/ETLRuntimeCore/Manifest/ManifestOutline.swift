/// The little of a manifest that `status`, `history` and `state show` need: where the state
/// database is, which entries the manifest declares, and the values to hide when printing.
///
/// Those commands only read the control table, so they must work when the full manifest
/// cannot load: in a shell without the pipeline's secrets (a `${VAR}` used in a source's config
/// unset), or with a plugin missing or broken. Only `state.path` must be usable.
package struct ManifestOutline: Sendable {
    /// One `control_table` element, read tolerantly: a field that is missing, of the wrong
    /// type or whose `${VAR}` is unset is nil.
    package struct Entry: Sendable, Equatable {
        package var id: String
        package var source: String?
        package var stream: String?
        package var sink: String?
        package var target: String?
        package var active: Bool
        package var mode: String?
        package var write: String?
        /// The `lookback` as written (`PT10M`), for `status` to show beside the watermark.
        package var lookback: String?
        /// `depends_on`: the entries this one runs after (its lineage), the strings as written.
        package var dependsOn: [String]

        /// Creates an entry outline.
        package init(
            id: String, source: String?, stream: String?, sink: String?, target: String?, active: Bool, mode: String?,
            write: String?, lookback: String? = nil, dependsOn: [String] = []
        ) {
            self.id = id
            self.source = source
            self.stream = stream
            self.sink = sink
            self.target = target
            self.active = active
            self.mode = mode
            self.write = write
            self.lookback = lookback
            self.dependsOn = dependsOn
        }
    }

    /// The manifest file, absolute.
    package var manifestPath: String
    /// `state.path`, absolute (default `state/etl_state.db` beside the manifest).
    package var statePath: String
    /// `state.url`: the state in PostgreSQL instead of `statePath`.
    package var stateServer: PostgresStateServer? = nil
    /// Where the state database is (see `Manifest.stateLocation`).
    package var stateLocation: StateLocation {
        stateServer.map { .server($0) } ?? .file(statePath)
    }
    /// The entries with a usable id, in the written order.
    package var entries: [Entry]
    /// The substitutions that could be made, for `redacting(_:)`.
    package var substitutions: [VariableSubstitution]
    /// The variables of the `.env` beside the manifest (see `exportDotEnv`).
    package var dotEnv: [String: String] = [:]

    /// The entry with `id`.
    package func entry(id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    /// `text` with every known substituted value replaced by its placeholder (as `Manifest.redacting`).
    package func redacting(_ text: String) -> String {
        Manifest.redacting(text, substitutions: substitutions)
    }
}

extension ManifestLoader {
    /// Reads the outline of the manifest at `path` (named in messages as given). Unset
    /// variables and mistakes outside `state` are ignored; a file that is missing or not JSON,
    /// or a `state.path` that is not a usable string, is the issue returned.
    package static func loadOutline(path: String, environment: [String: String]) -> Result<ManifestOutline, ManifestIssue> {
        let absolutePath = PathResolver.absoluteFromWorkingDirectory(path)
        let directory = PathResolver.directory(of: absolutePath)
        let bytes: [UInt8]
        switch readManifest(absolutePath: absolutePath, file: path) {
        case .success(let read): bytes = read
        case .failure(let issue): return .failure(issue)
        }
        let document: JSONDocument
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            return .failure(ManifestIssue(
                file: path, line: error.location.line, column: error.location.column, jsonPath: "", message: error.message))
        }
        var ignored: [ManifestIssue] = []
        let dotEnv = readDotEnv(absolutePath: directory + "/.env", file: dotEnvDisplayPath(forManifest: path), issues: &ignored)
        let expansion = ManifestExpansion(
            root: document.root, expander: EnvironmentExpander(environment: environment, dotEnv: dotEnv))
        let reader = OutlineReader(file: path, expansion: expansion)
        guard let top = expansion.root.members else {
            return .failure(reader.issue(.root, expansion.root, "expected an object (the manifest), got \(reader.describe(expansion.root))"))
        }
        var statePath = PathResolver.absolute(ManifestDecoder.defaultStatePath, relativeTo: directory)
        var stateServer: PostgresStateServer?
        if let state = top.first(where: { $0.key == "state" })?.value, state.member("url") != nil {
            switch reader.stateServer(state) {
            case .success(let server): stateServer = server
            case .failure(let issue): return .failure(issue)
            }
        } else if let state = top.first(where: { $0.key == "state" })?.value {
            switch reader.statePath(state) {
            case .success(let text): statePath = PathResolver.absolute(text, relativeTo: directory)
            case .failure(let issue): return .failure(issue)
            }
        }
        let elements = top.first { $0.key == "control_table" }?.value.elements ?? []
        var outline = ManifestOutline(
            manifestPath: absolutePath, statePath: statePath, entries: elements.compactMap(reader.entry),
            substitutions: secrets(expansion, environment: environment, dotEnv: dotEnv))
        outline.stateServer = stateServer
        outline.dotEnv = dotEnv
        return .success(outline)
    }
}

/// Reads the outline's few values out of the expanded tree; a string whose `${VAR}` failed
/// counts as missing.
private struct OutlineReader {
    let file: String
    let expansion: ManifestExpansion
    let describer: JSONValueDescriber

    init(file: String, expansion: ManifestExpansion) {
        self.file = file
        self.expansion = expansion
        describer = JSONValueDescriber(redactions: expansion.redactions)
    }

    func describe(_ node: JSONNode) -> String { describer.describe(node) }

    func issue(_ path: JSONPath, _ node: JSONNode, _ message: String) -> ManifestIssue {
        ManifestIssue(file: file, line: node.location.line, jsonPath: path.description, message: message)
    }

    /// `state.url` with its `schema` and `password_env` (the full manifest checks them further).
    func stateServer(_ state: JSONNode) -> Result<PostgresStateServer, ManifestIssue> {
        let path = JSONPath.root.appending(key: "state")
        guard let urlNode = state.member("url")?.value, let url = urlNode.stringValue,
              PostgresStateServer.isPostgresURL(url) else {
            return .failure(issue(path.appending(key: "url"), state, "expected a PostgreSQL URL (postgresql://user@host:port/dbname)"))
        }
        if let problem = expansion.problems.first(where: { $0.location == urlNode.location }) {
            return .failure(issue(path.appending(key: "url"), urlNode, problem.message))
        }
        var server = PostgresStateServer(url: url)
        if let schema = state.member("schema")?.value.stringValue, !schema.isEmpty { server.schema = schema }
        server.passwordEnvironmentVariable = state.member("password_env")?.value.stringValue
        return .success(server)
    }

    func statePath(_ state: JSONNode) -> Result<String, ManifestIssue> {
        let path = JSONPath.root.appending(key: "state")
        guard let pathNode = state.member("path")?.value else {
            return .failure(issue(path, state, "expected an object with a \"path\" (the state database file), got \(describe(state))"))
        }
        let valuePath = path.appending(key: "path")
        if let problem = expansion.problems.first(where: { $0.location == pathNode.location }) {
            return .failure(issue(valuePath, pathNode, problem.message))
        }
        guard let text = pathNode.stringValue, !text.isEmpty else {
            return .failure(issue(valuePath, pathNode, "expected a non-empty string, got \(describe(pathNode))"))
        }
        return .success(text)
    }

    func entry(_ node: JSONNode) -> ManifestOutline.Entry? {
        guard let id = string(node, "id"), ManifestDecoder.isEntryID(id) else { return nil }
        let mode = string(node, "mode")
        var active = true
        if case .bool(let value) = node.member("active")?.value.content { active = value }
        return ManifestOutline.Entry(
            id: id, source: string(node, "source"), stream: string(node, "stream"), sink: string(node, "sink"),
            target: string(node, "target"), active: active, mode: mode,
            write: string(node, "write") ?? mode.flatMap(LoadMode.init(rawValue:)).map { WriteMode.defaultMode(for: $0).rawValue },
            lookback: string(node, "lookback"),
            dependsOn: node.member("depends_on")?.value.elements?.compactMap(\.stringValue) ?? [])
    }

    private func string(_ node: JSONNode, _ key: String) -> String? {
        guard let value = node.member(key)?.value, !expansion.unresolved.contains(value.location) else { return nil }
        return value.stringValue
    }
}
