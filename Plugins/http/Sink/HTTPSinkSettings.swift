import ETLPluginKit

/// The `http` sink's config, read and checked once when the instance is created.
struct HTTPSinkSettings: Sendable {
    /// `https://api.example.com/v1`.
    var baseURL: String
    /// POST (default), PUT or PATCH.
    var method: String
    /// The path template, `{col}` filled from each record (e.g. `/list/{list_id}/task`).
    var path: String
    /// Extra headers.
    var headers: [(name: String, value: String)]
    /// The body template, or nil to send the record itself.
    var body: BodyTemplate?
    /// Records per request: 1 sends each record as an object, more sends arrays.
    var batch: Int
    /// The idempotency key, or nil.
    var idempotencyKey: IdempotencyKey?
    /// Records that may fail before the load fails (`max_failed_records`); nil: the entry's
    /// `max_rejects`, which the host sends in the load's options.
    var maxFailedRecords: Int64?
    /// Where copies of the resume states are kept, or nil to keep none (the host's state
    /// database then holds the progress).
    var stateDirectory: String?
    /// Transport settings.
    var client: HTTPClientSettings

    /// Reads the config.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: HTTPClientSettings.keys.union([
            "base_url", "method", "path", "headers", "body", "batch", "idempotency_key", "max_failed_records", "state_directory", "auth",
        ]))
        baseURL = try config.string("base_url")
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .invalidConfig("config.base_url must start with http:// or https:// (found \"\(URLText.removingUserInfo(baseURL))\")")
        }
        method = try config.string("method", default: "POST").uppercased()
        guard ["POST", "PUT", "PATCH"].contains(method) else {
            throw .invalidConfig("config.method must be POST, PUT or PATCH (found \(method))")
        }
        path = try config.string("path", default: "")
        var headers: [(name: String, value: String)] = []
        if let object = try config.optionalObject("headers") {
            for key in object.members.keys { headers.append((key, try object.string(key))) }
        }
        self.headers = headers
        body = config.value("body").map { BodyTemplate(template: $0) }
        let batch = try config.int("batch", default: 1)
        guard (1...10_000).contains(batch) else { throw .invalidConfig("config.batch must be from 1 to 10000 (found \(batch))") }
        self.batch = Int(batch)
        if let key = try config.optionalObject("idempotency_key") {
            try key.rejectUnknownKeys(allowed: ["header", "columns"])
            guard let columns = try key.optionalStringArray("columns"), !columns.isEmpty else {
                throw .invalidConfig("\(key.path).columns must list the columns the key is made of, e.g. [\"id\"]")
            }
            idempotencyKey = IdempotencyKey(header: try key.string("header", default: "Idempotency-Key"), columns: columns)
        } else {
            idempotencyKey = nil
        }
        maxFailedRecords = try config.optionalInt("max_failed_records")
        guard (maxFailedRecords ?? 0) >= 0 else { throw .invalidConfig("config.max_failed_records must not be negative") }
        stateDirectory = try config.optionalString("state_directory")
        client = try HTTPClientSettings(config)
    }
}
