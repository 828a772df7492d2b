import CETLPlugin
import Glibc
import Synchronization

/// A stand-in for the runtime's host table: log, is_cancelled, report_reject and report_progress record what they
/// receive so tests can assert on it. Batch-builder entries stay NULL (the kit never uses them).
/// Global because C callbacks cannot capture context; tests reset it in setUp.
enum TestHost {
    /// One line received through `log`.
    struct LogLine: Sendable, Equatable {
        var level: Int32
        var message: String
        var instance: UInt
    }

    /// One row received through `report_reject`.
    struct Reject: Sendable, Equatable {
        var position: String
        var raw: [UInt8]
        var reason: String
    }

    /// One call of `report_progress` (ABI 1.3).
    struct Progress: Sendable, Equatable {
        var done: Int64
        var total: Int64
    }

    static let logLines = Mutex<[LogLine]>([])
    static let progress = Mutex<[Progress]>([])
    static let rejects = Mutex<[Reject]>([])
    static let cancelled = Mutex(false)

    /// The handle tests pass as `etl_host_instance*`; the kit must hand it back unchanged.
    static var instanceHandle: OpaquePointer { OpaquePointer(bitPattern: 0xE71_0001)! }

    static func reset() {
        logLines.withLock { $0 = [] }
        rejects.withLock { $0 = [] }
        progress.withLock { $0 = [] }
        cancelled.withLock { $0 = false }
    }

    /// A host table as a host of this SDK's ABI builds it, optionally damaged (or made to look
    /// like an older host's) to test refusals.
    /// Never freed: like a real host's table, it must outlive every instance created with it.
    static func makeAPI(structSize: Int = MemoryLayout<etl_host_api>.size, abiMajor: UInt16 = UInt16(ETL_PLUGIN_ABI_MAJOR),
                        abiMinor: UInt16 = UInt16(ETL_PLUGIN_ABI_MINOR), withLog: Bool = true) -> UnsafePointer<etl_host_api> {
        var api = etl_host_api()
        api.struct_size = UInt32(structSize)
        api.abi_major = abiMajor
        api.abi_minor = abiMinor
        api.host_version = UnsafePointer(strdup("0.0.0-test"))
        if withLog {
            api.log = { instance, level, message in
                let line = LogLine(level: level, message: message.map { String(cString: $0) } ?? "<NULL>",
                                   instance: UInt(bitPattern: instance.map { Int(bitPattern: $0) } ?? 0))
                TestHost.logLines.withLock { $0.append(line) }
            }
        }
        api.is_cancelled = { _ in TestHost.cancelled.withLock { $0 } ? 1 : 0 }
        api.report_reject = { _, position, raw, length, reason in
            let bytes = raw.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
            let reject = Reject(position: position.map { String(cString: $0) } ?? "", raw: bytes,
                                reason: reason.map { String(cString: $0) } ?? "")
            TestHost.rejects.withLock { $0.append(reject) }
        }
        api.report_progress = { _, done, total in TestHost.progress.withLock { $0.append(Progress(done: done, total: total)) } }
        let pointer = UnsafeMutablePointer<etl_host_api>.allocate(capacity: 1)
        pointer.initialize(to: api)
        return UnsafePointer(pointer)
    }

    /// The default, intact table.
    static let api = UnsafeSendablePointer(makeAPI())
}

/// Lets a never-freed, never-mutated C table live in a global.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
