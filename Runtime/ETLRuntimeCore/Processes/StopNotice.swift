import Glibc
import Synchronization

/// A stop request as a descriptor: a pipe that becomes readable for good once a stop was
/// asked for (it is never drained). Threads that wait on pipes and deadlines (a run watching
/// its workers) add it to what they poll and so wake at once, instead of polling the
/// `CancellationFlag` on a timer.
package enum StopNotice {
    private static let readEnd = Atomic<Int32>(-1)
    private static let writeEnd = Atomic<Int32>(-1)

    /// Creates the pipe. Call once, before installing the signal handlers that `post`.
    package static func prepare() {
        guard readEnd.load(ordering: .sequentiallyConsistent) < 0, let ends = DescriptorPolling.makePipe() else { return }
        _ = fcntl(ends.write, F_SETFL, fcntl(ends.write, F_GETFL) | O_NONBLOCK)
        writeEnd.store(ends.write, ordering: .sequentiallyConsistent)
        readEnd.store(ends.read, ordering: .sequentiallyConsistent)
    }

    /// Makes `descriptor` readable. Async-signal-safe: an atomic load and one `write(2)`, which
    /// never blocks (a full pipe is as readable as one byte).
    package static func post() {
        let descriptor = writeEnd.load(ordering: .sequentiallyConsistent)
        guard descriptor >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
    }

    /// The end to poll; nil when `prepare` was not called (no stop can then be posted).
    package static var descriptor: Int32? {
        let descriptor = readEnd.load(ordering: .sequentiallyConsistent)
        return descriptor >= 0 ? descriptor : nil
    }
}
