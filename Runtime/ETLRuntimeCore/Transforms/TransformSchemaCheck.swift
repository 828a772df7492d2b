import ETLJSON

/// `validate` and `run --dry-run`: type-checks an entry's transforms against its stream's columns
/// when the source's config declares them, so the source's `discover` needs no network round trip
/// or sampling. Otherwise the columns are known only when `run` opens the stream, and the same
/// check runs there, before anything is written.
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

    /// The first mistake of `entry`'s transforms against `stream`'s columns, or nil; with `sink`,
    /// also a column type the sink cannot receive (see `SinkColumnTypeCheck`).
    package static func issue(_ entry: ControlEntry, streams: [StreamSchema], file: String, sink: LoadedPlugin? = nil) -> ManifestIssue? {
        guard !entry.transforms.isEmpty, let stream = streams.first(where: { $0.name == entry.stream }) else { return nil }
        do {
            let output = try TransformPlan.check(entry.transforms, schema: stream.schema)
            if let sink, let problem = SinkColumnTypeCheck.problem(output, sink: sink, sinkName: entry.sink, entry: entry) {
                return ManifestIssue(file: file, line: entry.line, jsonPath: problem.path, message: problem.message)
            }
            return nil
        } catch {
            let line = entry.transforms.first { error.path.hasPrefix($0.jsonPath + ".") }?.line ?? entry.line
            return ManifestIssue(file: file, line: line, jsonPath: error.path, message: error.message)
        }
    }
}
