#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin
import ETLArrow

/// What an `etl_batch_builder*` handed to a plugin points at: a `RecordBatchBuilder`
/// plus the text `batch_last_error` returns. Retained once by `batch_begin` and
/// released by `batch_free`.
final class HostBatchBuilder {
    let builder: RecordBatchBuilder
    /// The last failure's message as a C string (malloc'ed); "" until one fails.
    private(set) var lastError: UnsafeMutablePointer<CChar>

    init(builder: RecordBatchBuilder) {
        self.builder = builder
        lastError = HostBatchBuilder.copy("")
    }

    deinit { free(lastError) }

    /// Remembers `error` for `batch_last_error` and returns its status code.
    func fail(_ error: ArrowError) -> etl_status {
        record(error.message)
        return error.etlStatus
    }

    /// Remembers a misuse the Swift builder cannot see (a NULL pointer, a negative length).
    func fail(misuse message: String) -> etl_status {
        record(message)
        return ETL_INTERNAL
    }

    private func record(_ message: String) {
        free(lastError)
        lastError = Self.copy(message)
    }

    private static func copy(_ text: String) -> UnsafeMutablePointer<CChar> {
        let count = text.utf8.count
        guard let memory = malloc(count + 1)?.assumingMemoryBound(to: CChar.self) else {
            fatalError("etl-runtime: out of memory copying a \(count)-byte error message")
        }
        text.withCString { memory.update(from: $0, count: count + 1) }
        return memory
    }

    /// The handle a plugin holds for this builder; it keeps the builder alive until `release(handle)`.
    func retainedHandle() -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(self).toOpaque())
    }

    /// The builder behind `handle`, which the plugin's handle keeps alive.
    @inline(__always)
    static func unretained(_ handle: OpaquePointer) -> HostBatchBuilder {
        Unmanaged<HostBatchBuilder>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    /// Runs `body` with the builder behind `handle`, without retaining it: the
    /// plugin's handle keeps it alive, and the per-value append path must not pay
    /// for two atomic reference-count operations per call.
    @inline(__always)
    static func withUnretained<R>(_ handle: OpaquePointer, _ body: (HostBatchBuilder) -> R) -> R {
        Unmanaged<HostBatchBuilder>.fromOpaque(UnsafeRawPointer(handle))._withUnsafeGuaranteedRef(body)
    }

    /// Drops the reference `retainedHandle()` gave out.
    static func release(_ handle: OpaquePointer) {
        Unmanaged<HostBatchBuilder>.fromOpaque(UnsafeRawPointer(handle)).release()
    }
}
