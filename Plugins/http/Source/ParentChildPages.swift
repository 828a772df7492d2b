import ETLPluginKit

/// The pages of a stream with a `parent`: for each record of the parent stream (read to its
/// end, page by page), this stream's requests with the parent fields filling its `{name}`
/// placeholders; each record gets the parent fields as leading members (a record's own member
/// of the same name gives way). An error of a child request names the parent record.
final class ParentChildPages: PageStream {
    private let stream: StreamSettings
    private let link: ParentLink
    private let parentRecordsPath: JSONPathExpression
    private let parents: any PageStream
    private let makeFetcher: ([String: String]) throws(PluginError) -> PageFetcher
    private var waiting: [JSONValue] = []
    private var parentsRead = 0
    private var current: (fetcher: PageFetcher, fields: JSONObject, position: String)?

    /// - Parameters:
    ///   - parents: the parent stream's pages (trees).
    ///   - makeFetcher: this stream's fetcher for the given placeholder values.
    init(stream: StreamSettings, link: ParentLink, parentRecordsPath: JSONPathExpression, parents: any PageStream,
         makeFetcher: @escaping ([String: String]) throws(PluginError) -> PageFetcher) {
        self.stream = stream
        self.link = link
        self.parentRecordsPath = parentRecordsPath
        self.parents = parents
        self.makeFetcher = makeFetcher
    }

    func next() throws(PluginError) -> FetchedPage? {
        while true {
            if let current {
                let page: FetchedPage?
                do {
                    page = try current.fetcher.next()
                } catch {
                    throw PluginError(error.code, "stream \"\(stream.name)\" for \(current.position): \(error.message)")
                }
                if let page {
                    let records = try page.treeRecords(at: stream.recordsPath).map { Self.merge(current.fields, into: $0) }
                    return FetchedPage(source: page.source, records: records, scanned: nil, nextCursor: page.nextCursor)
                }
                self.current = nil
            }
            guard let parent = try nextParent() else { return nil }
            try start(parent)
        }
    }

    /// Sets up the requests for one parent record.
    private func start(_ parent: JSONValue) throws(PluginError) {
        var fields = JSONObject()
        var variables: [String: String] = [:]
        for field in link.fields {
            fields[field.name] = field.path.evaluate(parent) ?? .null
        }
        let position = "parent stream \"\(link.stream)\" record \(parentsRead - 1) (\(JSONValue.object(fields).serialized()))"
        for field in link.fields {
            switch fields[field.name] ?? .null {
            case .string(let text): variables[field.name] = text
            case .number(let number): variables[field.name] = number.text
            case .bool(let flag): variables[field.name] = flag ? "true" : "false"
            case .null:
                throw .badData("stream \"\(stream.name)\": \(position) has no value at \(field.path) for {\(field.name)}; check config.streams.\(stream.name).parent.fields")
            case let other:
                variables[field.name] = other.serialized()
            }
        }
        do {
            current = (try makeFetcher(variables), fields, position)
        } catch {
            throw PluginError(error.code, "stream \"\(stream.name)\" for \(position): \(error.message)")
        }
    }

    private func nextParent() throws(PluginError) -> JSONValue? {
        while waiting.isEmpty {
            guard let page = try parents.next() else { return nil }
            waiting = try page.treeRecords(at: parentRecordsPath)
        }
        parentsRead += 1
        return waiting.removeFirst()
    }

    /// `record` with the parent fields first.
    private static func merge(_ fields: JSONObject, into record: JSONValue) -> JSONValue {
        guard case .object(let object) = record else { return record }
        var merged = fields
        for member in object.members where fields[member.key] == nil { merged[member.key] = member.value }
        return .object(merged)
    }
}
