import ETLArrow
import ETLJSON

/// `validate` and `run --dry-run`: type-checks an entry's transforms against its stream's columns,
/// which the source's `discover` gives when it can answer without a network request
/// (`OfflineDiscovery`): declared columns, a local csv file's header (and sampled types), a local
/// SQLite table or query; and, for `run --dry-run` only, a PostgreSQL table or query. Otherwise,
/// or when discover cannot answer yet (the file is not there), the columns are known only when
/// `run` opens the stream, where the same check runs before anything is written; validate then
/// says so in a note.
package enum TransformSchemaCheck {
    /// Whether `config` declares the columns of every stream it has: a top-level `columns` array
    /// (one stream, as csv's), or `streams` whose every member has one (as http's).
    package static func declaresColumns(_ config: JSONValue) -> Bool {
        guard case .object(let object) = config else { return false }
        if case .array? = object["columns"] { return true }
        let streams: [JSONValue]
        switch object["streams"] {
        case .object(let members)?: streams = members.members.map(\.value)
        case .array(let elements)?: streams = elements
        default: return false
        }
        return !streams.isEmpty && streams.allSatisfy { stream in
            if case .object(let members) = stream, case .array? = members["columns"] { return true }
            return false
        }
    }

    /// The first mistake of `entry`'s `delete_when`, then of its transforms, against the stream's
    /// columns `schema`, or nil; with `sink`, also a column type the sink cannot receive (see
    /// `SinkColumnTypeCheck`), which an entry without transforms sends as the stream has it.
    package static func issue(_ entry: ControlEntry, schema: ArrowSchemaDescription, file: String, sink: LoadedPlugin? = nil) -> ManifestIssue? {
        do {
            let output = entry.transforms.isEmpty && entry.deleteWhen == nil
                ? schema : try TransformPlan.check(entry.transforms, deleteWhen: entry.deleteWhen, schema: schema)
            if let sink, let problem = SinkColumnTypeCheck.problem(output, sink: sink, sinkName: entry.sink, entry: entry) {
                return ManifestIssue(file: file, line: entry.line, jsonPath: problem.path, message: problem.message)
            }
            return nil
        } catch {
            let line = entry.deleteWhen.flatMap { error.path == $0.jsonPath ? $0.line : nil }
                ?? entry.transforms.first { error.path.hasPrefix($0.jsonPath + ".") }?.line ?? entry.line
            return ManifestIssue(file: file, line: line, jsonPath: error.path, message: error.message)
        }
    }

    /// The note for an entry whose transforms could not be type-checked now, saying `why`. Not a
    /// problem: the run checks them when it opens the stream, before it writes anything.
    /// An entry with `delete_when` alone gets the note at its `delete_when`.
    package static func deferredNote(_ entry: ControlEntry, why: String, file: String) -> ManifestIssue {
        let place = entry.transforms.first.map { ($0.line, entry.jsonPath + ".transforms") }
            ?? entry.deleteWhen.map { ($0.line, $0.jsonPath) } ?? (entry.line, entry.jsonPath + ".transforms")
        return ManifestIssue(
            file: file, line: place.0, jsonPath: place.1,
            message: "note: type-checked when run opens the stream, not now: \(why)")
    }
}
