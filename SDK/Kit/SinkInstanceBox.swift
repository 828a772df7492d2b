import ETLArrow

/// What the host's `void* instance` points to for a sink: the Swift sink plus the kit's own
/// bookkeeping of the load it has open.
final class SinkInstanceBox {
    /// The author's sink.
    let sink: any ETLSink
    /// The host, for the kit's own log lines.
    let host: PluginHost
    /// The load between a successful `begin` and its `commit` or `abort`.
    var openLoad: LoadRequest?
    /// Keeps the last `read_state` result alive until the next one (the header's lifetime).
    let returnedState = CStringSlot()
    /// Keeps the last `run_model` lineage alive until the next call.
    let returnedReads = CStringSlot()

    init(sink: any ETLSink, host: PluginHost) {
        self.sink = sink
        self.host = host
    }

    /// The plugin's name, for messages.
    var pluginName: String { type(of: sink).descriptor.name }
}
