import CETLPlugin
import CETLPluginLayout

/// What the host asks a source to read: a Swift copy of `etl_read_request`, safe to keep for the
/// whole read (the C request is only valid during `read`).
public struct ReadRequest: Sendable, Hashable {
    /// The control-table entry, for messages.
    public var entryID: String
    /// A stream name from `discover`.
    public var stream: String
    /// Resume state from an earlier `checkpoint`, or nil to start afresh.
    public var stateJSON: String?
    /// The cursor field of an incremental load, or nil for a full load.
    public var cursorField: String?
    /// JSON text of where an incremental load starts, or nil.
    public var initialValueJSON: String?
    /// At most this many rows per batch (> 0).
    public var batchSize: Int64
    /// Aim to keep a batch below this many bytes; 0 means no limit.
    public var maxBatchBytes: Int64
    /// Stop after this many rows in all; 0 means no limit.
    public var maxRecords: Int64
    /// The entry's other settings as JSON object text, or nil. Read it with `options()`.
    public var optionsJSON: String?

    /// Creates a request (tests and hosts written in Swift; the kit builds it from the C struct).
    public init(entryID: String, stream: String, stateJSON: String? = nil, cursorField: String? = nil,
                initialValueJSON: String? = nil, batchSize: Int64, maxBatchBytes: Int64 = 0, maxRecords: Int64 = 0,
                optionsJSON: String? = nil) {
        self.entryID = entryID
        self.stream = stream
        self.stateJSON = stateJSON
        self.cursorField = cursorField
        self.initialValueJSON = initialValueJSON
        self.batchSize = batchSize
        self.maxBatchBytes = maxBatchBytes
        self.maxRecords = maxRecords
        self.optionsJSON = optionsJSON
    }

    /// The options as a `PluginConfig` whose messages say "options.<key>"; empty when absent.
    /// - Throws: `ETL_INVALID_CONFIG` when the text is not a JSON object.
    public func options() throws(PluginError) -> PluginConfig {
        guard let optionsJSON else { return PluginConfig(members: [:], path: "options") }
        return try PluginConfig(parsing: optionsJSON, path: "options")
    }

    /// Copies a C request, refusing one the header forbids (NULL stream, batch_size <= 0).
    init(copying request: UnsafePointer<etl_read_request>) throws(PluginError) {
        let raw = request.pointee
        guard raw.struct_size >= etl_layout_read_request_size_1_0 else {
            throw .internalError("etl_read_request.struct_size is \(raw.struct_size), smaller than ABI 1.0's \(etl_layout_read_request_size_1_0): the host is broken")
        }
        guard let stream = raw.stream else {
            throw .internalError("etl_read_request.stream is NULL: the host is broken")
        }
        guard raw.batch_size > 0 else {
            throw .invalidConfig("batch_size must be positive (got \(raw.batch_size))")
        }
        func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        self.init(entryID: text(raw.entry_id) ?? "", stream: String(cString: stream), stateJSON: text(raw.state_json),
                  cursorField: text(raw.cursor_field), initialValueJSON: text(raw.initial_value),
                  batchSize: raw.batch_size, maxBatchBytes: max(0, raw.max_batch_bytes),
                  maxRecords: max(0, raw.max_records), optionsJSON: text(raw.options_json))
    }
}
