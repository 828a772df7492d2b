import ETLArrow

/// A source plugin written in Swift: the kit bridges it to `etl_source_api`.
///
/// Lifecycle, as the host drives it: `init` → `check`? → `discover`? → (`read` → the stream's
/// batches, each followed by `checkpoint`)* → deinit. The host releases every stream `read`
/// returned before it destroys the instance.
///
/// Threading: `init` may run on any thread; every other method, and the returned producer's
/// `produceNextBatch`, is called by one thread at a time for a given instance.
public protocol ETLSource: AnyObject {
    /// The plugin's name, version, capabilities and config schema.
    static var descriptor: PluginDescriptor { get }

    /// Creates an instance from its config (already validated by the host against the
    /// descriptor's schema, `${VAR}`s expanded). Keep `host` for logging, cancellation and rejects.
    init(config: PluginConfig, host: PluginHost) throws(PluginError)

    /// Can the source be reached with this config? Reads no data.
    func check() throws(PluginError)

    /// The streams this source offers and their columns.
    func discover() throws(PluginError) -> [StreamDescription]

    /// Starts reading a stream. The kit exports the producer as an `ArrowArrayStream`; each
    /// `produceNextBatch` must yield at most `request.batchSize` rows and return false at the end.
    /// The producer is released when the host releases the stream. A producer can only fail with
    /// an `ArrowError` (the stream's `get_last_error` carries its message); to stop on
    /// cancellation, check `PluginHost.isCancelled` between batches and throw one — the host knows
    /// it asked to cancel. A source that knows how much it will read calls
    /// `PluginHost.reportProgress(done:total:)` after each batch, so a long load shows a
    /// percentage and the time left.
    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer

    /// Would `read` accept `request`? Answer from the config and the request alone, with no I/O:
    /// `validate` and `run --dry-run` call it for every entry, so throw here (`.invalidConfig`,
    /// saying what to change) what `read` would refuse from the request alone. The default
    /// accepts every request.
    func checkRead(_ request: ReadRequest) throws(PluginError)

    /// The resume state matching exactly the rows the current read has produced so far (reading
    /// again from it yields the next row and no earlier one), or nil when there is nothing to
    /// resume from. Called by the host after each batch.
    func checkpoint() throws(PluginError) -> String?
}

extension ETLSource {
    /// Accepts every request: `read` finds any problem.
    public func checkRead(_ request: ReadRequest) throws(PluginError) {}
}
