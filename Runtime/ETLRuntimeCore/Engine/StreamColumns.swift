import ETLArrow

/// The stream columns `PluginConfigCheck` checks entries against, from each source's `discover`:
/// asked at most once per source, only when `OfflineDiscovery` allows it with the check's reach,
/// and with a deadline when it asks a server.
struct StreamColumns {
    /// An entry's stream's columns, or why they cannot be told now (the end of a note).
    enum Answer {
        case known(ArrowSchemaDescription)
        case unknown(String)
    }

    private enum Discovered {
        case streams([StreamSchema])
        case unavailable(String)
    }

    private let manifest: Manifest
    private let sources: [String: SourceInstance]
    private let reach: DiscoveryReach
    private var discovered: [String: Discovered] = [:]

    init(manifest: Manifest, sources: [String: SourceInstance], reach: DiscoveryReach) {
        self.manifest = manifest
        self.sources = sources
        self.reach = reach
    }

    /// The columns of `entry`'s stream, discovering its source on first use.
    mutating func schema(_ entry: ControlEntry) -> Answer {
        guard let source = sources[entry.source], let endpoint = manifest.sources.first(where: { $0.name == entry.source }) else {
            return .unknown("source \"\(entry.source)\" could not be created")
        }
        if let refusal = OfflineDiscovery.refusal(endpoint, reach: reach) { return .unknown(refusal) }
        let answer = discovered[entry.source] ?? discover(source, endpoint)
        discovered[entry.source] = answer
        switch answer {
        case .unavailable(let why):
            return .unknown("source \"\(entry.source)\" cannot tell its columns yet (\(why))")
        case .streams(let streams):
            guard let stream = streams.first(where: { $0.name == entry.stream }), !stream.schema.fields.isEmpty else {
                return .unknown("source \"\(entry.source)\" lists no columns for stream \"\(entry.stream)\" yet")
            }
            return .known(stream.schema)
        }
    }

    private func discover(_ source: SourceInstance, _ endpoint: ManifestEndpoint) -> Discovered {
        let result: Result<[StreamSchema], PluginCallError>
        if case .databaseServers(let seconds) = reach, OfflineDiscovery.asksServer(endpoint) {
            guard let answered = DeadlineDiscover.streams(source, within: seconds) else {
                return .unavailable("its server did not answer within \(Self.text(seconds: seconds)); the run waits longer")
            }
            result = answered
        } else {
            result = Result { () throws(PluginCallError) in try source.discover() }
        }
        switch result {
        case .success(let streams): return .streams(streams)
        case .failure(let error): return .unavailable(manifest.redacting(error.message))
        }
    }

    /// "5 s", "2.5 s".
    private static func text(seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
