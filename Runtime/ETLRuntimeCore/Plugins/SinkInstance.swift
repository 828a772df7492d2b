import CETLPlugin
import CETLPluginLayout
import ETLJSON
import ETLArrow

/// A created sink plugin instance, used by one thread at a time.
package final class SinkInstance {
    package let plugin: LoadedPlugin
    package let context: HostInstanceContext
    private let api: etl_sink_api
    private let instance: UnsafeMutableRawPointer
    /// Marks each call into the plugin, for crash reports.
    let sites: PluginCallSites

    /// `redact` scrubs secrets (the manifest's `${VAR}` values) from the plugin's log lines
    /// and error messages before the runtime shows them.
    package init(
        plugin: LoadedPlugin, configJSON: String, entryID: String?, redact: (@Sendable (String) -> String)? = nil
    ) throws(PluginCallError) {
        let created = try PluginInstanceCreation(
            kind: "sink", plugin: plugin, api: plugin.sinkAPI, create: { $0.create }, configJSON: configJSON, entryID: entryID, redact: redact)
        self.plugin = plugin
        self.api = created.api
        self.context = created.context
        self.instance = created.instance
        self.sites = created.sites
    }

    deinit {
        sites["destroy"].run { api.destroy(instance) }
    }

    package func check() throws(PluginCallError) {
        try call("check") { api.check(instance, $0) }
    }

    /// Opens a load.
    package func begin(_ request: LoadRequest) throws(PluginCallError) {
        // The schema's release stays inside the call's mark: a sink that released a copy of it
        // makes that release crash, and the crash is the sink's.
        try sites["begin"].run { () throws(PluginCallError) in try openLoad(request) }
    }

    private func openLoad(_ request: LoadRequest) throws(PluginCallError) {
        try withCRequest(request, schemaKnown: true) { cRequest throws(PluginCallError) in
            try call("begin") { api.begin(instance, cRequest, $0) }
        }
    }

    /// Whether the plugin checks load requests (ABI 1.4 `check_load`).
    package var checksLoads: Bool { api.struct_size >= etl_layout_sink_api_size_1_4 && api.check_load != nil }

    /// Would `begin` accept `request`? Asks the plugin's `check_load` (ABI 1.4; the plugin does
    /// no I/O), with no schema when `schemaKnown` is false (the columns cannot be told before the
    /// run); a plugin without one accepts every request here, and finds out in `begin`.
    package func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginCallError) {
        guard checksLoads, let check = api.check_load else { return }
        try sites["check_load"].run { () throws(PluginCallError) in
            try withCRequest(request, schemaKnown: schemaKnown) { cRequest throws(PluginCallError) in
                try call("check_load") { check(instance, cRequest, $0) }
            }
        }
    }

    /// `request` as the C struct, valid during `body`; its schema is NULL unless `schemaKnown`.
    private func withCRequest(_ request: LoadRequest, schemaKnown: Bool,
                              _ body: (UnsafeMutablePointer<etl_load_request>) throws(PluginCallError) -> Void) throws(PluginCallError) {
        let arena = CStringArena()
        let keys = request.primaryKey.map { Optional(arena.string($0)) }
        let schema = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        schema.initialize(to: ArrowSchema())
        if schemaKnown { request.schema.export(to: schema) }
        defer {
            schema.pointee.release?(schema)
            schema.deallocate()
        }
        try keys.withUnsafeBufferPointer { keyBuffer throws(PluginCallError) in
            var cRequest = etl_load_request()
            cRequest.struct_size = UInt32(MemoryLayout<etl_load_request>.size)
            cRequest.entry_id = arena.string(request.entryID)
            cRequest.run_id = arena.string(request.runID)
            cRequest.target = arena.string(request.target)
            cRequest.write_mode = request.writeMode.cValue
            cRequest.primary_key_count = Int32(keyBuffer.count)
            cRequest.primary_key = keyBuffer.baseAddress
            cRequest.schema = schemaKnown ? UnsafePointer(schema) : nil
            cRequest.options_json = arena.optional(request.optionsJSON)
            try body(&cRequest)
        }
    }

    /// Hands a batch to the sink, which takes ownership of it.
    package func write(_ batch: ImportedRecordBatch) throws(PluginCallError) {
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        batch.export(to: array)
        try call("write") { api.write(instance, array, $0) }
    }

    /// Commits the load with the entry's resume state; returns the rows the sink counted.
    package func commit(stateJSON: String?) throws(PluginCallError) -> Int64 {
        var rows: Int64 = 0
        try call("commit") { errorPointer in
            if let stateJSON {
                return stateJSON.withCString { api.commit(instance, $0, &rows, errorPointer) }
            }
            return api.commit(instance, nil, &rows, errorPointer)
        }
        return rows
    }

    package func abort() throws(PluginCallError) {
        try call("abort") { api.abort(instance, $0) }
    }

    /// The state last committed for `entryID`, or nil.
    package func readState(entryID: String) throws(PluginCallError) -> String? {
        var state: UnsafePointer<CChar>?
        try call("read_state") { errorPointer in
            entryID.withCString { api.read_state(instance, $0, &state, errorPointer) }
        }
        return state.map { String(cString: $0) }
    }

    /// Runs SQL on the target (post_sql); unsupported when the plugin lacks `sql`.
    package func executeSQL(_ sql: String) throws(PluginCallError) {
        guard let execute = api.execute_sql else {
            throw PluginCallError(plugin: plugin.info.name, function: "execute_sql", status: ETL_UNSUPPORTED, message: "this sink does not run SQL")
        }
        try call("execute_sql") { errorPointer in sql.withCString { execute(instance, $0, errorPointer) } }
    }

    /// Runs a SQL model entry inside the sink (ABI 1.2 `run_model`); unsupported when the
    /// plugin's table lacks it (validate refuses such entries first, by the `models` capability).
    package func runModel(_ request: ModelRequest) throws(PluginCallError) -> ModelResult {
        guard api.struct_size >= etl_layout_sink_api_size_1_2, let run = api.run_model else {
            throw PluginCallError(plugin: plugin.info.name, function: "run_model", status: ETL_UNSUPPORTED, message: "this sink does not run SQL models")
        }
        let arena = CStringArena()
        let keys = request.primaryKey.map { Optional(arena.string($0)) }
        var rows: Int64 = 0
        var state: UnsafePointer<CChar>?
        var reads: UnsafePointer<CChar>?
        try keys.withUnsafeBufferPointer { keyBuffer throws(PluginCallError) in
            var cRequest = etl_model_request()
            cRequest.struct_size = UInt32(MemoryLayout<etl_model_request>.size)
            cRequest.entry_id = arena.string(request.entryID)
            cRequest.run_id = arena.string(request.runID)
            cRequest.target = arena.string(request.target)
            cRequest.sql = arena.string(request.sql)
            cRequest.materialization = request.materialization.cValue
            cRequest.primary_key_count = Int32(keyBuffer.count)
            cRequest.primary_key = keyBuffer.baseAddress
            cRequest.cursor_field = arena.optional(request.cursorField)
            cRequest.state_json = arena.optional(request.stateJSON)
            cRequest.initial_value_json = arena.optional(request.initialValueJSON)
            cRequest.options_json = arena.optional(request.optionsJSON)
            try call("run_model") { run(instance, &cRequest, &rows, &state, &reads, $0) }
        }
        let names = reads.flatMap { try? JSONValue(parsing: String(cString: $0)) }?.arrayValue?.compactMap(\.stringValue)
        return ModelResult(rows: rows, stateJSON: state.map { String(cString: $0) }, reads: names)
    }

    /// Calls into the plugin, marked for crash reports.
    private func call(_ function: String, _ body: (UnsafeMutablePointer<etl_error>) -> etl_status) throws(PluginCallError) {
        var error = PluginErrorBuffer()
        let status = sites[function].run { error.withPointer(body) }
        guard status != ETL_OK else { return }
        throw PluginCallError(plugin: plugin.info.name, function: function, status: status, message: context.redact(error.message(or: "no message")))
    }
}
