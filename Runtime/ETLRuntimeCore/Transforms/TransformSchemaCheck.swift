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

    /// The first mistake of `entry`'s transforms, then of its `delete_when`, against `stream`'s columns, or nil.
    package static func issue(_ entry: ControlEntry, streams: [StreamSchema], file: String) -> ManifestIssue? {
        guard !entry.transforms.isEmpty || entry.deleteWhen != nil,
              let stream = streams.first(where: { $0.name == entry.stream }) else { return nil }
        do {
            _ = try TransformPlan.check(entry.transforms, deleteWhen: entry.deleteWhen, schema: stream.schema)
            return nil
        } catch {
            let line = entry.deleteWhen.flatMap { error.path == $0.jsonPath ? $0.line : nil }
                ?? entry.transforms.first { error.path.hasPrefix($0.jsonPath + ".") }?.line ?? entry.line
            return ManifestIssue(file: file, line: line, jsonPath: error.path, message: error.message)
        }
    }
}
