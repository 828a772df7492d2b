/// What the host's `void* instance` points to for a source.
final class SourceInstanceBox {
    /// The author's source.
    let source: any ETLSource
    /// The host, for the kit's own log lines.
    let host: PluginHost
    /// Keeps the last `checkpoint` result alive until the next one (the header's lifetime).
    let returnedState = CStringSlot()

    init(source: any ETLSource, host: PluginHost) {
        self.source = source
        self.host = host
    }
}
