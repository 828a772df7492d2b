import ETLPluginKit

/// The entry's `options` as the http source honours them: values for the `{name}` placeholders
/// of a stream's path, query and headers (ABI 1.2 entry options).
enum EntryOptionVariables {
    /// The entry options schema the source declares: any names (they are the config's
    /// placeholders), each a string, number or boolean, sent as text.
    static let schema = #"""
        {
          "type": "object",
          "description": "Values for the {name} placeholders of the stream's path, query and headers.",
          "additionalProperties": { "type": ["string", "number", "boolean"] }
        }
        """#

    /// Each option as the text a placeholder is replaced with (a number as written, a boolean as
    /// `true`/`false`).
    /// - Throws: `ETL_INVALID_CONFIG` for a value of another kind (the host checks the schema first).
    static func values(_ request: ReadRequest) throws(PluginError) -> [String: String] {
        let options = try request.entryOptions()
        var variables: [String: String] = [:]
        for member in options.members.members {
            switch member.value {
            case .string(let text): variables[member.key] = text
            case .number(let number): variables[member.key] = number.text
            case .bool(let flag): variables[member.key] = flag ? "true" : "false"
            default:
                throw .invalidConfig("options.\(member.key) must be a string, number or boolean (found \(member.value.kindDescription)): it fills {\(member.key)} in a request")
            }
        }
        return variables
    }

    /// The placeholder names the stream's path, query values and header values use.
    static func placeholders(of stream: StreamSettings) -> Set<String> {
        var names = Set(Template.placeholders(stream.path))
        for pair in stream.query { names.formUnion(Template.placeholders(pair.value)) }
        for pair in stream.headers { names.formUnion(Template.placeholders(pair.value)) }
        return names
    }

    /// Refuses an option no placeholder of the stream uses: it would do nothing (a typo such as
    /// `lsit_id` next to a `{list_id}` the request then lacks).
    static func refuseUnused(_ variables: [String: String], stream: StreamSettings) throws(PluginError) {
        let used = placeholders(of: stream)
        guard let unused = variables.keys.sorted().first(where: { !used.contains($0) }) else { return }
        let uses = used.isEmpty
            ? "its path, query and headers have no {placeholder}"
            : "its path, query and headers use \(used.sorted().map { "{\($0)}" }.joined(separator: ", "))"
        throw .invalidConfig("options.\(unused) fills no placeholder of stream \"\(stream.name)\" (\(uses)); remove it or correct its name")
    }
}
