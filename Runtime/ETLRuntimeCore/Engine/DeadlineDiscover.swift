import Dispatch
import Foundation

/// A source's `discover` with a deadline, for `run --dry-run`'s questions to a database server
/// (`DiscoveryReach.databaseServers`): the call runs on a thread of its own, so a server that
/// never answers (packets dropped by a firewall, a catalog query stuck behind a lock) costs the
/// dry run a note after the deadline instead of the plugin's own connect and statement timeouts,
/// or a hang.
enum DeadlineDiscover {
    /// The source's streams or its error; nil when the call has not returned within `seconds`.
    /// Then the instance is asked to stop (`is_cancelled`) and left to the thread, which keeps it
    /// alive until the call returns: the caller must not call into it again (the ABI's
    /// `[instance]` rule, one thread at a time).
    static func streams(_ source: SourceInstance, within seconds: Double) -> Result<[StreamSchema], PluginCallError>? {
        let call = Call(source)
        let thread = Thread { call.run() }
        thread.name = "etl-discover"
        thread.start()
        guard call.done.wait(timeout: .now() + seconds) == .success else {
            source.context.requestStop()
            return nil
        }
        return call.result
    }

    /// The call handed to the thread. Unchecked: `result` is written by the thread before it
    /// signals `done`, and read by the caller only after `done` was signalled.
    private final class Call: @unchecked Sendable {
        let source: SourceInstance
        let done = DispatchSemaphore(value: 0)
        var result: Result<[StreamSchema], PluginCallError>?

        init(_ source: SourceInstance) { self.source = source }

        func run() {
            result = Result { () throws(PluginCallError) in try source.discover() }
            done.signal()
        }
    }
}
