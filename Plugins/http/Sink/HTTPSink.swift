import ETLArrow
import ETLPluginKit

/// The `http` sink: sends each record (or arrays of up to `batch` records bound for the same
/// URL) as JSON to an API, with the same auth, retry and rate-limit rules as the source.
///
/// Only `append` is offered: records go out in requests, and nothing can be taken back, so
/// `abort` cannot undo what was sent and `commit` is not transactional. Delivery is
/// at-least-once per batch: the requests of a batch go out before the host commits the batch's
/// watermark, so a failure or crash in between sends that batch again on the next run
/// (`idempotency_key` makes that harmless for APIs that honour it).
///
/// Only the API's refusals of the records themselves (a 4xx other than 401/403/408/429) are
/// rejects, reported with the HTTP status and the start of the response; more than
/// `max_failed_records` of them (by default the entry's `max_rejects`, from the load's options)
/// fail the load with `ETL_BAD_DATA` before another request is sent. Anything else fails the
/// batch (nothing of it committed): no answer after every retry, or 408/429/5xx after the last
/// one, is `ETL_IO_ERROR`; 401/403 is `ETL_INVALID_CONFIG`.
///
/// The sink keeps no state of its own unless `state_directory` is set: `readState` then answers
/// `ETL_UNSUPPORTED`, and the host keeps the entry's progress in the run's state database.
/// With `state_directory`, `commit` also writes a small JSON file per entry (renamed into
/// place), which survives the loss of the state database (`etl-runtime state rebuild`).
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
        var groups = URLGroups()
        for row in 0..<batch.rowCount {
            try host.throwIfCancelled("the http sink")
            let record = RecordJSON.object(batch, row: row)
            let path = try renderPath(for: record)
            if let full = groups.add((recordIndex, record), path: path, limit: settings.batch) {
                try send(full, path: path)
            }
            recordIndex += 1
        }
        for group in groups.remaining { try send(group.items, path: group.path) }
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
            host.warning("the load was aborted after the http sink had sent \(sent) records of it; an API cannot take them back, and the next run sends them again (idempotency_key lets an API recognise them)")
        }
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        guard let directory = settings.stateDirectory else {
            // Not "no state": the host then keeps the watermark in its own state database.
            throw .unsupported("the http sink keeps no state of its own (no state_directory): the entry's progress is the watermark in the run's state database")
        }
        return try StateFile(directory: directory).read(entryID: entryID)
    }

    /// The path of the request that carries `record`.
    private func renderPath(for record: JSONObject) throws(PluginError) -> String {
        try Template.render(settings.path) { name throws(PluginError) in
            URLText.encodePathValue(RecordJSON.text(try BodyTemplate.column(name, record)))
        }
    }

    /// Sends one request carrying `group` (records bound for `path`).
    /// - Throws: what `ResponseVerdict` throws, with the note that the batch is not committed;
    ///   `ETL_BAD_DATA` when refused records pass the limit.
    private func send(_ group: [URLGroups.Item], path: String) throws(PluginError) {
        guard !group.isEmpty else { return }
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
        let verdict: ResponseVerdict
        do throws(PluginError) {
            verdict = try ResponseVerdict.of(try client.send(request), request: request, client: client)
        } catch where error.code == .cancelled {
            throw error
        } catch {
            throw PluginError(error.code, error.message + "; " + Self.notCommitted)
        }
        guard case .refused(let reason) = verdict else {
            sent += Int64(group.count)
            return
        }
        for item in group {
            failed += 1
            host.reportReject(position: "\(target) record \(item.index)", raw: client.scrub(JSONValue.object(item.record).serialized()),
                              reason: reason)
        }
        if failed > failureLimit.count {
            throw .badData("the http sink failed to send \(failed) record\(failed == 1 ? "" : "s") (more than \(failureLimit.setting) = \(failureLimit.count)); last: \(reason). Raise \(failureLimit.setting == "max_failed_records" ? "max_failed_records" : "the entry's max_rejects") to load the others and keep these in the rejects")
        }
    }

    /// What a failed request means for the batch, said with every failure that is not a reject.
    private static let notCommitted = "nothing of this batch was committed: the next run sends it again"
}
