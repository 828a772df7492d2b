#if canImport(Glibc)
import Glibc
#endif
import ETLArrow
import ETLPluginKit

/// The `http` source: JSON records from a REST API, one stream per configured endpoint, with
/// pagination (page number, offset, cursor, Link header), declared or discovered columns, and
/// incremental reads by a watermark sent as a query parameter or body field.
///
/// Incremental reads (the entry has a `cursor_field` and the stream an `incremental` object):
/// the read starts from the state's `{"cursor": ...}`, or the entry's `initial_value` on the
/// first run, minus the entry option `lookback_seconds` (re-read records are de-duplicated by a
/// merge load). The new state never lets a resumed read skip a record (`ReadWatermark`): for a
/// stream whose `incremental.sorted_by_cursor` is true, the highest cursor of the pages emitted
/// completely (the order is checked); otherwise the state the read started from until the
/// batch that completes the read, which carries the highest cursor of the whole read. Never
/// lower than the start; a read that finds nothing keeps the state.
///
/// Pages are fetched one or two ahead on a thread that borrows the instance's `HTTPClient`
/// for the read (`PagePrefetcher`); anything else that uses the client stops it first.
final class HTTPSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "http", version: "1.0.0",
        description: "JSON records from an HTTP API over libcurl: pagination, incremental watermarks, retries, rate limit",
        capabilities: [.incremental, .discover, .positions], configSchema: HTTPSourceConfigSchema.text,
        entryOptionsSchema: EntryOptionVariables.schema)

    private let settings: HTTPSourceSettings
    private let host: PluginHost
    private let client: HTTPClient
    private var discovered: [String: [ColumnSpec]] = [:]
    private var producer: HTTPBatchProducer?
    private var startState: String?
    private var incrementalRead = false

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try HTTPSourceSettings(config)
        let auth = try HTTPAuth(config)
        self.host = host
        client = try HTTPClient(settings: settings.client, auth: auth, host: host)
    }

    /// Fetches the first page of the first stream (a request that proves the URL, TLS and
    /// credentials work).
    func check() throws(PluginError) {
        producer?.stopFetching()
        guard let stream = settings.streams.first else { return }
        _ = try StreamPages(settings: settings, client: client).pages(stream, variables: [:], watermark: nil, concurrency: 1, recordPaths: nil).next()
    }

    func discover() throws(PluginError) -> [StreamDescription] {
        producer?.stopFetching()
        var streams: [StreamDescription] = []
        for stream in settings.streams {
            streams.append(StreamDescription(name: stream.name, schema: SchemaDiscovery.schema(try columns(of: stream))))
        }
        return streams
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        producer?.stopFetching()
        producer = nil
        let stream = try settings.stream(request.stream)
        let options = try request.options()
        let variables = try EntryOptionVariables.values(request)
        var startCursor: CursorValue?
        var watermark: String?
        client.requestNote = nil
        incrementalRead = request.cursorField != nil
        startState = incrementalRead ? request.stateJSON : nil
        if incrementalRead {
            let incremental = try ReadRequestCheck.incrementalSettings(stream, request)
            try ReadRequestCheck.refuseUnsortedRunLimit(stream, incremental, options: options)
            startCursor = try ReadRequestCheck.startCursor(request.stateJSON, incremental)
            var from = startCursor
            if from == nil { from = try ReadRequestCheck.initialCursor(request.initialValueJSON, incremental) }
            if let from {
                let lookback = try options.double("lookback_seconds", default: 0)
                guard lookback >= 0 else { throw .invalidConfig("options.lookback_seconds must not be negative (found \(lookback))") }
                let sent = incremental.format.render(microseconds: from.microseconds - Int64(lookback * 1_000_000))
                watermark = sent
                client.requestNote = IncrementalNote.text(
                    incremental, sent: sent, from: incremental.format.render(microseconds: from.microseconds),
                    origin: startCursor == nil ? "initial_value" : "watermark", lookbackSeconds: lookback)
            }
        }
        let columns = try self.columns(of: stream, variables: variables)
        let pages = try StreamPages(settings: settings, client: client)
            .pages(stream, variables: variables, watermark: watermark, concurrency: settings.maxConcurrency,
                   recordPaths: Self.scanPaths(stream, columns: columns, incremental: incrementalRead))
        let schema = SchemaDiscovery.schema(columns)
        let positions = try SourcePositionColumn(request: request, streamSchema: schema)
        let producer = HTTPBatchProducer(schema: schema, pages: try PagePrefetcher(pages, host: host),
                                         columns: columns, incremental: incrementalRead ? stream.incremental : nil,
                                         startCursor: startCursor, host: host, batchSize: Int(clamping: request.batchSize),
                                         maxRecords: request.maxRecords, recordsPath: stream.recordsPath,
                                         allowShortRead: stream.allowShortRead, positions: positions)
        self.producer = producer
        return producer
    }

    /// What `read` would refuse from the request alone (no request to the API).
    func checkRead(_ request: ReadRequest) throws(PluginError) {
        try ReadRequestCheck.check(request, settings: settings)
    }

    func checkpoint() throws(PluginError) -> String? {
        guard incrementalRead else { return nil }
        // No watermark yet (a first run before its read completes): JSON null, which the next
        // run reads as "start from initial_value".
        guard let cursor = producer?.watermark.current else { return startState ?? "null" }
        return cursor.stateJSON
    }

    /// The declared columns, or those discovered from the first page with records of a full
    /// read (cached, so that `discover` and every `read` of this instance agree). A child
    /// table's columns start with its parent key, parent cursor and `_index` (`ChildTable`).
    private func columns(of stream: StreamSettings, variables: [String: String] = [:]) throws(PluginError) -> [ColumnSpec] {
        if let declared = stream.columns { return declared }
        if let known = discovered[stream.name] { return known }
        var leading: [ColumnSpec] = []
        if let (parentName, table) = stream.childOf {
            let parent = try settings.stream(parentName)
            leading = table.leadingColumns(parent: parent, parentColumns: try columns(of: parent, variables: variables))
            if let declared = table.columns {
                discovered[stream.name] = leading + declared
                return leading + declared
            }
        }
        // The first page with records: a stream with a parent may start with parents that have none.
        let pages = try StreamPages(settings: settings, client: client).pages(stream, variables: variables, watermark: nil, concurrency: 1, recordPaths: nil)
        var records: [JSONValue] = []
        while records.isEmpty, let page = try pages.next() { records = page.records }
        let columns = leading + SchemaDiscovery.columns(from: records).filter { column in !leading.contains { $0.name == column.name } }
        guard !columns.isEmpty else {
            throw .badData("stream \"\(stream.name)\": the first page has no records to discover columns from; declare the stream's columns in the config")
        }
        discovered[stream.name] = columns
        return columns
    }

    /// The record paths a read scans straight from the response bytes: the declared columns,
    /// then the cursor of an incremental read (the order `HTTPBatchProducer` reads them in).
    /// Nil, so pages are parsed into trees, for discovered columns or when the environment asks
    /// for trees (`PageDecoding`).
    private static func scanPaths(_ stream: StreamSettings, columns: [ColumnSpec], incremental: Bool) -> [JSONPathExpression]? {
        guard stream.columns != nil, PageDecoding.current != .treeOnly else { return nil }
        var paths = columns.map(\.path)
        if incremental, let cursor = stream.incremental?.cursorPath { paths.append(cursor) }
        return paths
    }
}
