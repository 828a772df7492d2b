import ETLArrow

/// A sink plugin written in Swift: the kit bridges it to `etl_sink_api`.
///
/// Lifecycle, as the host drives it: `init` → `check`? → (`begin` → `write`* → `commit` or
/// `abort`)* → deinit. The kit enforces the order: it refuses `write` or `commit` without an open
/// load and `begin` while one is open, refuses a write mode the descriptor does not declare
/// before calling `begin`, and calls `abort` itself when the host destroys an instance with a load
/// still open.
///
/// Threading: `init` may run on any thread; every other method is called by one thread at a
/// time for a given instance (separate instances may run concurrently on different threads), so
/// an instance needs no locking of its own state.
public protocol ETLSink: AnyObject {
    /// The plugin's name, version, capabilities and config schema.
    static var descriptor: PluginDescriptor { get }

    /// Creates an instance from its config (already validated by the host against the
    /// descriptor's schema, `${VAR}`s expanded). Keep `host` for logging and cancellation.
    init(config: PluginConfig, host: PluginHost) throws(PluginError)

    /// Can the sink be reached and written with this config? Writes no data.
    func check() throws(PluginError)

    /// Would `begin` accept `request`? Answer from the config and the request alone: no I/O,
    /// no network, no file. `validate` and `run --dry-run` ask it for every entry of the sink
    /// (ABI 1.4 `check_load`). `schemaKnown` is false when the host cannot tell the load's
    /// columns before the run: `request.schema` is then empty, and only what needs no columns
    /// can be checked. Throw `.invalidConfig` for an entry that cannot work. The default
    /// accepts every request.
    func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError)

    /// Opens a load. `request.writeMode` is one the descriptor declares.
    func begin(_ request: LoadRequest) throws(PluginError)

    /// Adds a batch to the open load. The batch's columns match `request.schema` from `begin`.
    /// The kit owns the batch and releases its Arrow memory exactly once after this returns (or
    /// throws); copy whatever you keep beyond the call.
    func write(_ batch: ImportedRecordBatch) throws(PluginError)

    /// Makes the whole load durable together with `state` (the entry's resume state, or nil when
    /// there is nothing to resume from). A transactional sink stores both in one transaction.
    /// - Returns: the rows the target gained or replaced, as the sink counted them.
    func commit(state: String?) throws(PluginError) -> Int64

    /// Discards the open load; the target must be as it was before `begin`.
    func abort() throws(PluginError)

    /// The state last committed for `entryID`, or nil when none was. A sink that keeps no state
    /// of its own (an API) throws `.unsupported`: the host then resumes from its control table.
    func readState(entryID: String) throws(PluginError) -> String?

    /// Runs SQL against the target (e.g. an entry's `post_sql`). Only called when the descriptor
    /// declares `.sql`; the default refuses with `ETL_UNSUPPORTED`.
    func executeSQL(_ sql: String) throws(PluginError)

    /// Runs a SQL model entry inside the sink (see `etl_sink_api.run_model`): the result and the
    /// new state commit together, and a failure leaves target and state as they were. Only
    /// called when the descriptor declares `.models`; the default refuses with `ETL_UNSUPPORTED`.
    func runModel(_ request: ModelRequest) throws(PluginError) -> ModelResult
}

extension ETLSink {
    /// Accepts every request: a sink without load checks finds mistakes in `begin`.
    public func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError) {}

    /// Refuses with `ETL_UNSUPPORTED`: sinks without `.sql` need not implement it.
    public func executeSQL(_ sql: String) throws(PluginError) {
        throw .unsupported("plugin '\(Self.descriptor.name)' cannot run SQL; remove post_sql from entries that use it")
    }

    /// Refuses with `ETL_UNSUPPORTED`: sinks without `.models` need not implement it.
    public func runModel(_ request: ModelRequest) throws(PluginError) -> ModelResult {
        throw .unsupported("plugin '\(Self.descriptor.name)' cannot run SQL models; give the entry a source, or use a sink whose plugin has the \"models\" capability")
    }
}
