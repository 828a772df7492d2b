import ETLPluginTypes
import Foundation

/// SQL model entries: `sql` or `sql_file` (relative to the manifest) and `materialize`, instead
/// of `source`, `stream` and `mode`.
extension ManifestDecoder {
    /// The keys only an entry with a source reads; a model entry with one is refused.
    static let sourceOnlyKeys = ["source", "stream", "mode", "write", "lookback", "safety_lag", "batch_size",
                                 "max_batch_bytes", "max_records_per_run", "null_cursor", "transforms",
                                 "valid_from_column", "close_missing", "delete_when"]

    /// Whether the entry is a model (it has `sql` or `sql_file`).
    static func isModel(_ object: ManifestReader.Object) -> Bool {
        object["sql"] != nil || object["sql_file"] != nil
    }

    /// Reads a model entry's own keys into `draft` and refuses keys that only a source entry uses.
    func model(_ object: ManifestReader.Object, _ path: JSONPath, into draft: inout EntryDraft) {
        for key in ManifestDecoder.sourceOnlyKeys {
            guard let node = object[key] else { continue }
            reader.report(path.appending(key: key), at: node.location,
                          "a SQL model entry (one with \"sql\" or \"sql_file\") runs inside its sink and has no \"\(key)\"; remove it, or remove \"sql\" to read from a source")
        }
        if object["sql"] != nil, let node = object["sql_file"] {
            reader.report(path.appending(key: "sql_file"), at: node.location, "give either \"sql\" or \"sql_file\", not both")
            return
        }
        var materialization = Materialization.table
        if let node = object["materialize"] {
            guard let chosen = reader.choice(node, path.appending(key: "materialize"), Materialization.self) else { return }
            materialization = chosen
        }
        var text: String?
        var file: String?
        if let node = object["sql"] {
            text = reader.string(node, path.appending(key: "sql"))
        } else if let node = object["sql_file"], let name = reader.string(node, path.appending(key: "sql_file")) {
            let absolute = PathResolver.absolute(name, relativeTo: directory)
            file = absolute
            do {
                text = try String(contentsOfFile: absolute, encoding: .utf8)
            } catch {
                reader.report(path.appending(key: "sql_file"), at: node.location,
                              "cannot read the SQL file \(absolute): \((error as NSError).localizedDescription); check the path (relative to the manifest's folder)")
            }
        }
        guard let text else { return }
        guard text.contains(where: { !$0.isWhitespace }) else {
            reader.report(path.appending(key: file == nil ? "sql" : "sql_file"), at: (object["sql"] ?? object["sql_file"])!.location,
                          "the model's SQL is empty; write the SELECT whose result the entry keeps")
            return
        }
        if materialization == .incremental, object["cursor_field"] == nil {
            reader.report(path.appending(key: "materialize"), at: (object["materialize"] ?? object["sql"] ?? object["sql_file"])!.location,
                          "materialize \"incremental\" needs \"cursor_field\", the result column whose largest value becomes the watermark bound to {{watermark}}")
        }
        draft.model = SQLModel(sql: text, materialization: materialization, sqlFile: file)
        draft.mode = materialization.loadMode
        // What the control table and `status` show in place of a source and stream.
        draft.source = ""
        draft.stream = ""
    }
}
