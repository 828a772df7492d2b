import ETLArrow
import ETLPluginKit

/// The `http` sink: sends each record (or arrays of `batch` records) as JSON to an API, with the
/// same auth, retry and rate-limit rules as the source.
///
/// Only `append` is offered: every record is one request, and nothing can be taken back, so
/// `abort` cannot undo what was sent and `commit` is not transactional. A record whose request
/// finally fails (a 4xx other than 429, or retries exhausted) is reported to the host's rejects
/// with the HTTP status and the start of the response; more than `max_failed_records` of them
/// (by default the entry's `max_rejects`, from the load's options) fail the load with
/// `ETL_BAD_DATA` before another request is sent. `commit` returns the records the API accepted and writes
/// the entry's resume state to `state_directory` (a small JSON file per entry, renamed into
/// place: not in one transaction with the requests).
final class HTTPSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "http", version: "1.0.0",
        description: "Sends records as JSON to an HTTP API over libcurl: URL and body templates, batches, idempotency keys, retries",
        capabilities: [.append], configSchema: HTTPSinkConfigSchema.text)

    private let settings: HTTPSinkSettings
    private let host: PluginHost
    private let client: HTTPClient
    private var sent: Int64 = 0
    private var failed: Int64 = 0
    private var recordIndex: Int64 = 0
    private var target = ""
    private var entryID = ""
    /// Failed records the current load tolerates, and the setting that says so (for messages).
    private var failureLimit: (count: Int64, setting: String) = (0, "max_rejects")

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try HTTPSinkSettings(config)
        self.host = host
        client = try HTTPClient(settings: settings.client, auth: try HTTPAuth(config), host: host)
    }

    /// Checks that the state directory (if any) can be written; the API itself is not probed,
    /// because a write endpoint cannot be tried without writing.
    func check() throws(PluginError) {
        if let directory = settings.stateDirectory {
            try StateFile(directory: directory).checkWritable()
        }
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        sent = 0
        failed = 0
        recordIndex = 0
        target = request.target
        entryID = request.entryID
        if let configured = settings.maxFailedRecords {
            failureLimit = (configured, "max_failed_records")
        } else {
            failureLimit = (try request.options().optionalInt("max_rejects") ?? 0, "the entry's max_rejects")
        }
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        var group: [(index: Int64, record: JSONObject)] = []
        for row in 0..<batch.rowCount {
            try host.throwIfCancelled("the http sink")
            group.append((recordIndex, RecordJSON.object(batch, row: row)))
            recordIndex += 1
            if group.count == settings.batch {
                try send(group)
                group.removeAll()
            }
        }
        if !group.isEmpty { try send(group) }
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        if let directory = settings.stateDirectory {
            try StateFile(directory: directory).write(state, entryID: entryID)
        }
        if failed > 0 {
            host.warning("the http sink sent \(sent) records; \(failed) failed and went to rejects")
        }
        return sent
    }

    func abort() throws(PluginError) {
        if sent > 0 {
            host.warning("the load was aborted after the http sink had sent \(sent) records; an API cannot take them back")
        }
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        guard let directory = settings.stateDirectory else { return nil }
        return try StateFile(directory: directory).read(entryID: entryID)
    }

    private func send(_ group: [(index: Int64, record: JSONObject)]) throws(PluginError) {
        guard let first = group.first else { return }
        let path = try Template.render(settings.path) { name throws(PluginError) in
            URLText.encodePathValue(RecordJSON.text(try BodyTemplate.column(name, first.record)))
        }
        var bodies: [JSONValue] = []
        for item in group {
            bodies.append(try settings.body?.render(item.record) ?? .object(item.record))
        }
        let payload = settings.batch == 1 ? bodies[0] : .array(bodies)
        var request = HTTPRequest(method: settings.method, location: URLText.join(settings.baseURL, path),
                                  headers: settings.headers, body: Array(payload.serialized().utf8))
        if let key = settings.idempotencyKey {
            var text = ""
            for item in group { text += try key.key(for: item.record, target: request.location) }
            // A request carrying several records gets one key: the digest of their keys.
            let value = group.count == 1 ? text : IdempotencyKey.digest(text)
            request.headers.append((key.header, value))
        }
        let outcome: (status: Int, detail: String)
        do throws(PluginError) {
            let response = try client.send(request)
            if response.isSuccess {
                sent += Int64(group.count)
                return
            }
            outcome = (response.status, "HTTP \(response.status) from \(client.display(request)): \(client.scrub(response.excerpt()))")
        } catch where error.code == .cancelled {
            throw error
        } catch {
            outcome = (0, error.message)
        }
        for item in group {
            failed += 1
            host.reportReject(position: "\(target) record \(item.index)", raw: client.scrub(JSONValue.object(item.record).serialized()),
                              reason: outcome.detail)
        }
        if failed > failureLimit.count {
            throw .badData("the http sink failed to send \(failed) record\(failed == 1 ? "" : "s") (more than \(failureLimit.setting) = \(failureLimit.count)); last: \(outcome.detail). Raise \(failureLimit.setting == "max_failed_records" ? "max_failed_records" : "the entry's max_rejects") to load the others and keep these in the rejects")
        }
    }
}
