import CETLPlugin
import CETLPluginLayout

/// The host as one plugin instance sees it: logging, cancellation and rejects, called through
/// the host's `etl_host_api` table with the instance's `etl_host_instance` handle.
///
/// The kit hands one to your `init(config:host:)`; keep it for the instance's lifetime (the
/// handle is valid until the instance's `destroy` returns, the table until the process exits).
/// `log` and `isCancelled` may be called from any thread; `reportReject` only from the thread
/// currently calling into the instance, as the header says.
public struct PluginHost: @unchecked Sendable {
    // @unchecked: the two pointers are immutable and the host guarantees the functions behind
    // them are safe to call from any thread (log, is_cancelled) or the instance's thread.

    /// The host's API table. [host-owned] valid until the process exits.
    public let api: UnsafePointer<etl_host_api>
    /// The host's handle of this instance (NULL during `etl_plugin_entry`).
    /// [host-owned] valid until the instance's `destroy` returns.
    public let instance: OpaquePointer?

    /// Wraps a host table and instance handle. The kit does this for you; tests and hand-written
    /// bridges may call it directly. `api` must have passed the kit's ABI check (see
    /// `PluginLibrary.entry`), which guarantees `log`, `is_cancelled` and `report_reject` are set.
    public init(api: UnsafePointer<etl_host_api>, instance: OpaquePointer?) {
        self.api = api
        self.instance = instance
    }

    /// The host's version string, e.g. "0.1.0".
    public var hostVersion: String {
        api.pointee.host_version.map { String(cString: $0) } ?? "unknown"
    }

    /// The host's ABI minor version: features added in later minors are only present when this
    /// is at least the minor that added them.
    public var abiMinor: UInt16 { api.pointee.abi_minor }

    /// Writes one line to the run's log, tagged by the host with this instance's plugin and entry.
    /// The message is copied before return; it must not contain secrets. [any-thread]
    public func log(_ level: PluginLogLevel, _ message: String) {
        guard let log = api.pointee.log else { return }
        message.withCString { log(instance, level.cValue, $0) }
    }

    /// `log(.trace, message)`.
    public func trace(_ message: String) { log(.trace, message) }
    /// `log(.debug, message)`.
    public func debug(_ message: String) { log(.debug, message) }
    /// `log(.info, message)`.
    public func info(_ message: String) { log(.info, message) }
    /// `log(.warning, message)`.
    public func warning(_ message: String) { log(.warning, message) }
    /// `log(.error, message)`.
    public func error(_ message: String) { log(.error, message) }

    /// True when the host wants the instance to stop at the next safe point (SIGINT, SIGTERM, a
    /// deadline). Poll it between batches or requests. [any-thread]
    public var isCancelled: Bool {
        guard let isCancelled = api.pointee.is_cancelled else { return false }
        return isCancelled(instance) != 0
    }

    /// Throws `ETL_CANCELLED` naming `operation` when the host asked to stop, so a long loop can
    /// stop with one line: `try host.throwIfCancelled("writing orders")`. [any-thread]
    public func throwIfCancelled(_ operation: String) throws(PluginError) {
        if isCancelled {
            throw .cancelled("\(operation) stopped because the host asked to cancel the run")
        }
    }

    /// Records a row the source could not accept; it goes to `etl_rejects` with the batch that the
    /// next `get_next` returns. All arguments are copied before return.
    /// - Parameters:
    ///   - position: where the row came from, e.g. "data.csv:17".
    ///   - raw: the row's raw bytes (any bytes; the host stores them as text).
    ///   - reason: why it was rejected, e.g. "column age: 'x' is not an integer".
    /// [instance]
    public func reportReject(position: String, raw: some Collection<UInt8>, reason: String) {
        guard let reportReject = api.pointee.report_reject else { return }
        let length = Int64(raw.count)
        // A trailing NUL that is not counted in `length` keeps the pointer non-NULL for empty rows.
        let rawBytes = raw.map { CChar(bitPattern: $0) } + [0]
        position.withCString { positionText in
            reason.withCString { reasonText in
                rawBytes.withUnsafeBufferPointer { buffer in
                    reportReject(instance, positionText, buffer.baseAddress, length, reasonText)
                }
            }
        }
    }

    /// Tells the host how much of its input this read has consumed, so that a long load shows a
    /// percentage and an estimated time left (ABI 1.3 `report_progress`). Call it as often as is
    /// convenient, e.g. once per batch; it is cheap.
    /// - Parameters:
    ///   - done: units consumed so far in this read (bytes of the files as stored, rows, pages...).
    ///   - total: units the whole read will consume, in the same unit; nil when unknown.
    /// - Returns: false when the host is older than ABI 1.3 and has no such function: nothing was
    ///   reported, and nothing beyond the host's table was read.
    /// [instance]
    @discardableResult
    public func reportProgress(done: Int64, total: Int64?) -> Bool {
        guard Int(api.pointee.struct_size) >= Int(etl_layout_host_api_size_1_3),
              let reportProgress = api.pointee.report_progress else { return false }
        reportProgress(instance, max(done, 0), total.map { max($0, 0) } ?? -1)
        return true
    }

    /// `reportReject` with the raw row given as text.
    public func reportReject(position: String, raw: String, reason: String) {
        reportReject(position: position, raw: Array(raw.utf8), reason: reason)
    }
}
