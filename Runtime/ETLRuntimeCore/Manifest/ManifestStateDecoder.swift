/// `state`: `{"path": "state/etl_state.db"}` (SQLite, the default) or
/// `{"url": "postgresql://...", "schema": "etl_runtime", "password_env": "VAR"}` (PostgreSQL,
/// shared by every host that runs the manifest). `path` and `url` are exclusive; `schema` and
/// `password_env` mean something only with `url`, so they are refused without it.
extension ManifestDecoder {
    func decodeState(_ state: ManifestReader.Object, _ node: JSONNode, _ path: JSONPath, into draft: inout ManifestDraft) {
        if state["path"] != nil, state["url"] != nil {
            reader.report(path, at: node.location,
                          "\"path\" and \"url\" are exclusive: keep \"path\" for a SQLite file, or \"url\" for a PostgreSQL database shared by several hosts")
            return
        }
        if let pathNode = state["path"], let statePath = reader.string(pathNode, path.appending(key: "path")) {
            draft.statePath = PathResolver.absolute(statePath, relativeTo: directory)
        }
        guard let urlNode = state["url"] else {
            for key in ["schema", "password_env"] where state[key] != nil {
                reader.report(path.appending(key: key), at: state.node.location,
                              "\"\(key)\" applies only to a state in PostgreSQL: add \"url\": \"postgresql://...\" or remove \"\(key)\"")
            }
            return
        }
        guard let url = reader.string(urlNode, path.appending(key: "url")) else { return }
        guard PostgresStateServer.isPostgresURL(url) else {
            reader.report(path.appending(key: "url"), at: urlNode.location,
                          "expected a PostgreSQL URL (postgresql://user@host:port/dbname), got \(reader.describe(urlNode)); for a SQLite file use \"path\"")
            return
        }
        var server = PostgresStateServer(url: url)
        if let schemaNode = state["schema"], let schema = reader.string(schemaNode, path.appending(key: "schema")) {
            server.schema = schema
        }
        if let variableNode = state["password_env"], let variable = reader.string(variableNode, path.appending(key: "password_env")) {
            guard Self.isVariableName(variable) else {
                reader.report(path.appending(key: "password_env"), at: variableNode.location,
                              "expected the name of an environment variable (letters, digits, _), got \(reader.describe(variableNode))")
                return
            }
            server.passwordEnvironmentVariable = variable
        }
        draft.stateServer = server
    }

    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
