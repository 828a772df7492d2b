import CETLPlugin
import Logging
import Synchronization

/// A row a source rejected through `report_reject`, copied out of the plugin's memory.
package struct SourceReject: Sendable, Equatable {
    /// Where the row came from, e.g. "data.csv:17".
    package var position: String
    /// The raw row, as text (invalid UTF-8 replaced).
    package var raw: String
    package var reason: String
}

/// The host's side of one plugin instance: what `etl_host_instance*` points to. It tells
/// the host API functions which plugin and entry a log line or a reject belongs to.
/// Reached from C through an unmanaged pointer that stays valid until the instance's
/// `destroy` returns (the wrapper keeps the context alive at least that long).
package final class HostInstanceContext: Sendable {
    package let pluginName: String
    package let entryID: String?
    let logger: Logger
    private let redactor: (@Sendable (String) -> String)?
    /// Rejects are reported from the instance's thread and read by the engine between batches;
    /// the lock keeps that honest should a plugin report from a helper thread.
    private let rejects = Mutex<[SourceReject]>([])
    private let stopRequested = Atomic<Bool>(false)
    /// What the source last said through `report_progress` (ABI 1.3), read by the engine after
    /// each batch; the source's read-ahead thread writes it, the engine's thread reads it.
    private let inputProgress = Mutex<SourceInputProgress?>(nil)

    package init(
        pluginName: String, entryID: String?, logger: Logger = HostLog.pluginLogger,
        redact: (@Sendable (String) -> String)? = nil
    ) {
        self.pluginName = pluginName
        self.entryID = entryID
        self.redactor = redact
        var logger = logger
        logger[metadataKey: "plugin"] = .string(pluginName)
        if let entryID { logger[metadataKey: "entry"] = .string(entryID) }
        self.logger = logger
    }

    /// The opaque handle handed to the plugin. Valid while `self` is alive.
    var handle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ handle: OpaquePointer?) -> HostInstanceContext? {
        guard let handle else { return nil }
        return Unmanaged<HostInstanceContext>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    /// `text` without the manifest's secret values (plugins may echo a connection string).
    package func redact(_ text: String) -> String { redactor?(text) ?? text }

    func record(_ reject: SourceReject) { rejects.withLock { $0.append(reject) } }

    /// Asks this instance to stop at its next safe point (what `is_cancelled` reports), for
    /// when the engine no longer wants its work: the entry failed elsewhere. Never cleared.
    package func requestStop() { stopRequested.store(true, ordering: .sequentiallyConsistent) }

    /// True once the run was cancelled or this instance was asked to stop.
    package var shouldStop: Bool {
        CancellationFlag.isCancelled || stopRequested.load(ordering: .sequentiallyConsistent)
    }

    /// Keeps what a source reported of its input (see `SourceInputProgress`); numbers that cannot
    /// be a position are dropped, as the header promises.
    func recordProgress(done: Int64, total: Int64) {
        guard done >= 0 else { return }
        inputProgress.withLock { $0 = SourceInputProgress(done: done, total: total >= 0 ? total : nil) }
    }

    /// What the source last reported of its input in the current read; nil when it reported nothing.
    package var reportedProgress: SourceInputProgress? { inputProgress.withLock { $0 } }

    /// Forgets reported progress: a new read starts from none.
    func resetProgress() { inputProgress.withLock { $0 = nil } }

    /// The rejects reported since the last call, oldest first.
    package func takeRejects() -> [SourceReject] {
        rejects.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
