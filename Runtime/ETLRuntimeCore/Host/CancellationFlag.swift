import Synchronization

/// The process-wide "please stop at the next safe point" flag that `is_cancelled`
/// reports to plugins. Set by SIGINT/SIGTERM handlers; never cleared within a process.
package enum CancellationFlag {
    private static let flag = Atomic<Bool>(false)

    package static func requestCancellation() { flag.store(true, ordering: .sequentiallyConsistent) }
    package static var isCancelled: Bool { flag.load(ordering: .sequentiallyConsistent) }
}
