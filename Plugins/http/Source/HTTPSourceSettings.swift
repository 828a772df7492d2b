import ETLPluginKit

/// The `http` source's config, read and checked once when the instance is created.
struct HTTPSourceSettings: Sendable {
    /// `https://api.example.com/v1`.
    var baseURL: String
    /// The streams, in the order the config lists them.
    var streams: [StreamSettings]
    /// Pages fetched at once for page-number pagination with a known total (`max_concurrency`, default 1).
    var maxConcurrency: Int
    /// Transport settings.
    var client: HTTPClientSettings

    /// Reads the config.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: HTTPClientSettings.keys.union(["base_url", "streams", "auth", "max_concurrency"]))
        baseURL = try config.string("base_url")
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .invalidConfig("config.base_url must start with http:// or https:// (found \"\(URLText.removingUserInfo(baseURL))\")")
        }
        let streamsConfig = try config.object("streams")
        guard !streamsConfig.members.isEmpty else {
            throw .invalidConfig("config.streams must name at least one stream, e.g. {\"tasks\": {\"path\": \"/tasks\", \"records_path\": \"$.tasks\"}}")
        }
        var streams: [StreamSettings] = []
        for member in streamsConfig.members.members {
            guard case .object(let object) = member.value else {
                throw .invalidConfig("config.streams.\(member.key) must be an object (found \(member.value.kindDescription))")
            }
            streams.append(try StreamSettings(name: member.key, config: PluginConfig(members: object, path: "config.streams.\(member.key)")))
        }
        for stream in streams {
            for table in stream.children {
                let child = table.stream(of: stream)
                guard !streams.contains(where: { $0.name == child.name }) else {
                    throw .invalidConfig("config.streams.\(stream.name).children.\(table.name) makes stream \"\(child.name)\", which config.streams already has; rename one")
                }
                streams.append(child)
            }
        }
        try ParentLink.checkChains(streams)
        self.streams = streams
        let concurrency = try config.int("max_concurrency", default: 1)
        guard (1...64).contains(concurrency) else {
            throw .invalidConfig("config.max_concurrency must be from 1 to 64 (found \(concurrency))")
        }
        maxConcurrency = Int(concurrency)
        client = try HTTPClientSettings(config)
    }

    /// The stream called `name`.
    /// - Throws: `ETL_INVALID_CONFIG` listing the streams there are.
    func stream(_ name: String) throws(PluginError) -> StreamSettings {
        guard let stream = streams.first(where: { $0.name == name }) else {
            throw .invalidConfig("stream \"\(name)\" is not in config.streams; the streams are \(streams.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        }
        return stream
    }
}
