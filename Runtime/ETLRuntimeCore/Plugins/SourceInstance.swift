import CETLPlugin
import CETLPluginLayout
import ETLArrow
import ETLJSON

/// A created source plugin instance. Used by one thread at a time (the ABI's
/// [instance] rule); destroyed when the last reference (including open streams) goes.
package final class SourceInstance {
    package let plugin: LoadedPlugin
    package let context: HostInstanceContext
    private let api: etl_source_api
    private let instance: UnsafeMutableRawPointer
    /// Marks each call into the plugin, for crash reports.
    let sites: PluginCallSites

    /// Creates an instance from config JSON (already validated against the plugin's schema).
    /// `redact` scrubs secrets (the manifest's `${VAR}` values) from the plugin's log lines
    /// and error messages before the runtime shows them.
    package init(
        plugin: LoadedPlugin, configJSON: String, entryID: String?, redact: (@Sendable (String) -> String)? = nil
    ) throws(PluginCallError) {
        let created = try PluginInstanceCreation(
            kind: "source", plugin: plugin, api: plugin.sourceAPI, create: { $0.create }, configJSON: configJSON, entryID: entryID, redact: redact)
        self.plugin = plugin
        self.api = created.api
        self.context = created.context
        self.instance = created.instance
        self.sites = created.sites
    }

    deinit {
        sites["destroy"].run { api.destroy(instance) }
    }

    /// Can the source be reached with its config?
    package func check() throws(PluginCallError) {
        var error = PluginErrorBuffer()
        let status = sites["check"].run { error.withPointer { api.check(instance, $0) } }
        try raise(status, "check", error)
    }

    /// The streams the source offers.
    package func discover() throws(PluginCallError) -> [StreamSchema] {
        // The catalog's release is the plugin's code too: it stays inside the call's mark.
        try sites["discover"].run { () throws(PluginCallError) in try streams() }
    }

    private func streams() throws(PluginCallError) -> [StreamSchema] {
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

    /// Would `read` accept `request`? Asks the plugin's `check_read` (ABI 1.2; the plugin does no
    /// I/O); a plugin without one accepts every request here, and finds out in `read`.
    package func checkRead(_ request: ReadRequest) throws(PluginCallError) {
        guard api.struct_size >= etl_layout_source_api_size_1_2, let checkRead = api.check_read else { return }
        let arena = CStringArena()
        var cRequest = Self.cRequest(request, arena)
        var error = PluginErrorBuffer()
        let status = sites["check_read"].run { error.withPointer { checkRead(instance, &cRequest, $0) } }
        try raise(status, "check_read", error)
    }

    /// Starts reading; the stream keeps this instance alive until it is released.
    package func read(_ request: ReadRequest) throws(PluginCallError) -> SourceReadStream {
        let arena = CStringArena()
        var cRequest = Self.cRequest(request, arena)
        var error = PluginErrorBuffer()
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        stream.initialize(to: ArrowArrayStream())
        defer { stream.deallocate() }
        context.resetProgress()
        let status = sites["read"].run { error.withPointer { api.read(instance, &cRequest, stream, $0) } }
        try raise(status, "read", error)
        return SourceReadStream(source: self, stream: ImportedArrayStream(taking: stream), batchSize: Int(cRequest.batch_size),
                                positionsAsked: request.asksPositions)
    }

    /// The C form of `request`; its strings live as long as `arena`.
    private static func cRequest(_ request: ReadRequest, _ arena: CStringArena) -> etl_read_request {
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
        return cRequest
    }

    /// The resume state matching what the open stream has yielded so far, as the plugin gave it.
    package func checkpoint() throws(PluginCallError) -> String? {
        var error = PluginErrorBuffer()
        var state: UnsafePointer<CChar>?
        let status = sites["checkpoint"].run { error.withPointer { api.checkpoint(instance, &state, $0) } }
        try raise(status, "checkpoint", error)
        return state.map { String(cString: $0) }
    }

    /// When the host takes a checkpoint, as messages name it.
    package enum CheckpointMoment: Sendable {
        case afterBatch(rows: Int)
        case endOfStream

        var phrase: String {
            switch self {
            case .afterBatch(let rows): "after a batch of \(rows) row\(rows == 1 ? "" : "s")"
            case .endOfStream: "at the end of its stream"
            }
        }

        var consequence: String {
            switch self {
            case .afterBatch: "nothing of that batch was committed"
            case .endOfStream: "the load it ends was not committed"
            }
        }
    }

    /// The checkpoint, checked before the host commits anything with it: JSON text (the JSON
    /// null included, a state like any other), and present when `required` — in an incremental
    /// load, since a missing state would make the next run start over and load every row again.
    package func checkpoint(_ moment: CheckpointMoment, required: Bool) throws -> String? {
        guard let state = try checkpoint() else {
            guard !required else {
                throw PluginContractViolation(
                    plugin,
                    "returned no checkpoint \(moment.phrase); an incremental load cannot resume without one, so \(moment.consequence). This is a bug in the plugin: in an incremental read, checkpoint must return the resume state as JSON text after every batch (the JSON null is allowed)")
            }
            return nil
        }
        do {
            _ = try JSONParser.parse(state)
        } catch {
            let excerpt = state.count > 80 ? String(state.prefix(80)) + "…" : state
            throw PluginContractViolation(
                plugin,
                "returned a checkpoint that is not JSON \(moment.phrase) (\(error.description): \(excerpt)), so \(moment.consequence). This is a bug in the plugin: checkpoint must return the resume state as JSON text")
        }
        return state
    }

    private func raise(_ status: etl_status, _ function: String, _ error: PluginErrorBuffer) throws(PluginCallError) {
        guard status != ETL_OK else { return }
        throw PluginCallError(plugin: plugin.info.name, function: function, status: status, message: context.redact(error.message(or: "no message")))
    }
}

/// An open read: the imported Arrow stream and the source it came from. Releasing the
/// stream happens before the source is destroyed, as the ABI requires.
package final class SourceReadStream {
    package let source: SourceInstance
    private var openStream: ImportedArrayStream?
    /// The `batch_size` the read asked for: no batch may be longer.
    private let batchSize: Int
    private var rowsYielded = 0
    /// Whether the read asked for the `_etl_position` column (`"positions": true`).
    package let positionsAsked: Bool

    init(source: SourceInstance, stream: ImportedArrayStream, batchSize: Int, positionsAsked: Bool) {
        self.source = source
        self.openStream = stream
        self.batchSize = batchSize
        self.positionsAsked = positionsAsked
    }

    /// The Arrow stream; valid until this object is released. `schema()` and `next()` below
    /// add the host's checks of what the plugin yields.
    package var stream: ImportedArrayStream { openStream! }

    /// The stream's schema, ending with the `_etl_position` column exactly when the read asked
    /// for positions: a source that leaves it out when asked, or sends the reserved name unasked,
    /// broke the contract (SDK/ABI.md, "Source positions") and is refused, naming the plugin.
    package func schema() throws -> ArrowSchemaDescription {
        let schema = try source.sites["get_schema"].run { () throws(ArrowError) in try stream.schema() }
        let name = ReadRequest.positionColumnName
        let reserved = schema.fields.indices.filter { schema.fields[$0].name == name }
        if positionsAsked {
            guard reserved == [schema.fields.count - 1], schema.fields.last?.type == .utf8 else {
                let found = reserved.isEmpty
                    ? "has no such column"
                    : "has it as column \(reserved[0] + 1) of \(schema.fields.count), of type \(schema.fields[reserved[0]].type)"
                throw PluginContractViolation(
                    source.plugin,
                    "was asked for source positions (\"\(ReadRequest.positionsKey)\": true) but its stream \(found); nothing was loaded. This is a bug in the plugin: a source with the positions capability appends one last utf8 column \"\(name)\" when asked")
            }
        } else if let index = reserved.first {
            throw PluginContractViolation(
                source.plugin,
                "sent a column \"\(name)\" (column \(index + 1)) though the read did not ask for source positions; nothing was loaded. The name is reserved for positions a read asks for: this is a bug in the plugin, which must send it only on \"\(ReadRequest.positionsKey)\": true (or rename the column in the source's config)")
        }
        return schema
    }

    /// The next batch, nil at the end of the stream. A batch that breaks the C Data Interface
    /// (text that is not UTF-8, offsets that decrease, ...) or is longer than the read's
    /// `batch_size` is refused, naming the plugin; the source's own failure is rethrown as it is.
    package func next() throws -> ImportedRecordBatch? {
        let batch: ImportedRecordBatch?
        do {
            // enter/leave rather than a closure: a crash's backtrace then goes straight from the
            // plugin to this function.
            let outer = source.sites["get_next"].enter()
            defer { PluginCallSite.leave(outer) }
            batch = try stream.next()
        } catch {
            // The source's own failure (get_next returned an error) speaks for itself, with the
            // status it chose (carried as the errno of the stream, see StreamFailureCode): a
            // credential the API refused is a configuration mistake, a timeout an I/O error.
            if error.kind == .producerFailed {
                let error = source.plugin.streamFailure(error)
                throw PluginCallError(
                    plugin: source.plugin.info.name, function: "read", status: error.producerStatus ?? ETL_IO_ERROR,
                    message: source.context.redact(error.producerMessage ?? error.message))
            }
            throw PluginContractViolation(
                source.plugin,
                "returned a batch that breaks the Arrow C data interface, \(position): \(error.message). This is a bug in the plugin; nothing of that batch was loaded")
        }
        guard let batch else { return nil }
        guard batch.rowCount <= batchSize else {
            throw PluginContractViolation(
                source.plugin,
                "returned a batch of \(batch.rowCount) rows, more than the batch_size of \(batchSize) the host asked for, \(position); nothing of that batch was loaded. This is a bug in the plugin: each batch must hold at most request->batch_size rows")
        }
        rowsYielded += batch.rowCount
        return batch
    }

    /// Where in the stream a refused batch came, for messages.
    private var position: String {
        rowsYielded == 0 ? "as its first batch" : "after \(rowsYielded) rows"
    }

    deinit {
        // Release the stream explicitly while `source` is still held: stored properties
        // are torn down only after this body, in no promised order.
        source.sites["the release of its stream"].run { openStream = nil }
    }
}
