import ETLPluginKit

/// A stream's `parent`: the stream whose every record runs this stream's requests once, and the
/// parent fields that fill this stream's `{name}` placeholders and become its leading columns.
struct ParentLink: Sendable {
    /// The parent stream's name.
    var stream: String
    /// Placeholder and column name → where the value is in a parent record.
    var fields: [(name: String, path: JSONPathExpression)]

    /// Reads a stream's `parent` object.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["stream", "fields"])
        stream = try config.string("stream")
        let object = try config.object("fields")
        guard !object.members.isEmpty else {
            throw .invalidConfig("\(object.path) must name at least one parent field, e.g. {\"list_id\": \"$.id\"}")
        }
        var fields: [(name: String, path: JSONPathExpression)] = []
        for member in object.members.members {
            guard case .string(let text) = member.value else {
                throw .invalidConfig("\(object.path).\(member.key) must be a JSON path string such as \"$.id\" (found \(member.value.kindDescription))")
            }
            fields.append((member.key, try JSONPathExpression(text, where: "\(object.path).\(member.key)")))
        }
        self.fields = fields
    }
}

extension ParentLink {
    /// Checks every stream's parent: it exists and no chain of parents comes back to a stream.
    /// - Throws: `ETL_INVALID_CONFIG` naming the stream and the chain.
    static func checkChains(_ streams: [StreamSettings]) throws(PluginError) {
        let byName = Dictionary(streams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for stream in streams {
            var chain = [stream.name]
            var link = stream.parent
            while let current = link {
                guard let parent = byName[current.stream] else {
                    throw .invalidConfig("config.streams.\(chain.last!).parent.stream \"\(current.stream)\" is not in config.streams; the streams are \(streams.map { "\"\($0.name)\"" }.joined(separator: ", "))")
                }
                guard !chain.contains(parent.name) else {
                    throw .invalidConfig("config.streams.\(stream.name).parent makes a loop (\((chain + [parent.name]).joined(separator: " → "))); a stream cannot be its own ancestor")
                }
                chain.append(parent.name)
                link = parent.parent
            }
        }
    }
}
