import CETLPlugin
import ETLArrow

/// What to read from a source: the Swift face of `etl_read_request`.
public struct ReadRequest: Sendable {
    public var entryID: String
    public var stream: String
    /// Resume state from a previous checkpoint, or nil to start afresh.
    public var stateJSON: String?
    public var cursorField: String?
    /// JSON text of the entry's `initial_value`.
    public var initialValueJSON: String?
    public var batchSize: Int
    public var maxBatchBytes: Int
    /// 0 means no limit.
    public var maxRecords: Int
    public var optionsJSON: String?

    public init(
        entryID: String, stream: String, stateJSON: String? = nil, cursorField: String? = nil,
        initialValueJSON: String? = nil, batchSize: Int = 10_000, maxBatchBytes: Int = 64 << 20,
        maxRecords: Int = 0, optionsJSON: String? = nil
    ) {
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
}

/// A created source plugin instance. Used by one thread at a time (the ABI's
/// [instance] rule); destroyed when the last reference (including open streams) goes.
public final class SourceInstance {
    public let plugin: LoadedPlugin
    public let context: HostInstanceContext
    private let api: etl_source_api
    private let instance: UnsafeMutableRawPointer

    /// Creates an instance from config JSON (already validated against the plugin's schema).
    /// `redact` scrubs secrets (the manifest's `${VAR}` values) from the plugin's log lines
    /// and error messages before the runtime shows them.
    public init(
        plugin: LoadedPlugin, configJSON: String, entryID: String?, redact: (@Sendable (String) -> String)? = nil
    ) throws(PluginCallError) {
        let created = try PluginInstanceCreation(
            kind: "source", plugin: plugin, api: plugin.sourceAPI, create: { $0.create }, configJSON: configJSON, entryID: entryID, redact: redact)
        self.plugin = plugin
        self.api = created.api
        self.context = created.context
        self.instance = created.instance
    }

    deinit {
        api.destroy(instance)
    }

    /// Can the source be reached with its config?
    public func check() throws(PluginCallError) {
        var error = PluginErrorBuffer()
        let status = error.withPointer { api.check(instance, $0) }
        try raise(status, "check", error)
    }

    /// The streams the source offers.
    public func discover() throws(PluginCallError) -> [StreamSchema] {
        var error = PluginErrorBuffer()
        var catalog = ArrowSchema()
        let status = error.withPointer { api.discover(instance, &catalog, $0) }
        try raise(status, "discover", error)
        defer { catalog.release?(&catalog) }
        do {
            return try StreamSchema.streams(inCatalog: &catalog)
        } catch {
            throw PluginCallError(plugin: plugin.info.name, function: "discover", status: ETL_INTERNAL, message: error.message)
        }
    }

    /// Starts reading; the stream keeps this instance alive until it is released.
    public func read(_ request: ReadRequest) throws(PluginCallError) -> SourceReadStream {
        let arena = CStringArena()
        var cRequest = etl_read_request()
        cRequest.struct_size = UInt32(MemoryLayout<etl_read_request>.size)
        cRequest.entry_id = arena.string(request.entryID)
        cRequest.stream = arena.string(request.stream)
        cRequest.state_json = arena.optional(request.stateJSON)
        cRequest.cursor_field = arena.optional(request.cursorField)
        cRequest.initial_value = arena.optional(request.initialValueJSON)
        cRequest.batch_size = Int64(max(1, request.batchSize))
        cRequest.max_batch_bytes = Int64(request.maxBatchBytes)
        cRequest.max_records = Int64(request.maxRecords)
        cRequest.options_json = arena.optional(request.optionsJSON)
        var error = PluginErrorBuffer()
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        stream.initialize(to: ArrowArrayStream())
        defer { stream.deallocate() }
        let status = error.withPointer { api.read(instance, &cRequest, stream, $0) }
        try raise(status, "read", error)
        return SourceReadStream(source: self, stream: ImportedArrayStream(taking: stream))
    }

    /// The resume state matching what the open stream has yielded so far.
    public func checkpoint() throws(PluginCallError) -> String? {
        var error = PluginErrorBuffer()
        var state: UnsafePointer<CChar>?
        let status = error.withPointer { api.checkpoint(instance, &state, $0) }
        try raise(status, "checkpoint", error)
        return state.map { String(cString: $0) }
    }

    private func raise(_ status: etl_status, _ function: String, _ error: PluginErrorBuffer) throws(PluginCallError) {
        guard status != ETL_OK else { return }
        throw PluginCallError(plugin: plugin.info.name, function: function, status: status, message: context.redact(error.message(or: "no message")))
    }
}

/// An open read: the imported Arrow stream and the source it came from. Releasing the
/// stream happens before the source is destroyed, as the ABI requires.
public final class SourceReadStream {
    public let source: SourceInstance
    private var openStream: ImportedArrayStream?

    init(source: SourceInstance, stream: ImportedArrayStream) {
        self.source = source
        self.openStream = stream
    }

    /// The Arrow stream; valid until this object is released.
    public var stream: ImportedArrayStream { openStream! }

    deinit {
        // Release the stream explicitly while `source` is still held: stored properties
        // are torn down only after this body, in no promised order.
        openStream = nil
    }
}
