import CProcessControl
import Glibc

/// Waiting on several pipes at once, with a deadline: how a run watches a worker's messages,
/// its plugin output and a stop request together.
package enum DescriptorPolling {
    /// Waits until one of `descriptors` can be read (or its writer is gone), at most `seconds`
    /// (nil: no limit). Returns the ones that can; none when the time ran out. A signal that
    /// interrupts the wait does not end it.
    package static func readable(_ descriptors: [Int32], waitingAtMost seconds: Double?) -> [Int32] {
        let deadline = seconds.map { MonotonicTime.seconds() + max(0, $0) }
        while true {
            var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let left = deadline.map { max(0, $0 - MonotonicTime.seconds()) }
            let milliseconds = left.map { Int32(min($0 * 1000, Double(Int32.max)).rounded(.up)) } ?? -1
            let ready = poll(&polled, nfds_t(polled.count), milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return [] }
            return polled.filter { $0.revents != 0 }.map(\.fd)
        }
    }

    /// A pipe whose ends are close-on-exec, its read end non-blocking (so that draining it
    /// stops when it is empty, even while a writer still holds it open). nil if none can be made.
    package static func makePipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard etl_pipe_cloexec(&ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    /// Reads what `descriptor` holds right now, up to 1 MiB (it must be non-blocking; the
    /// limit keeps a writer faster than us from holding the reader here). Returns nil at the
    /// end of the stream (every writer closed it, or it failed).
    package static func readAvailable(_ descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return bytes }
            return bytes.isEmpty ? nil : bytes
        }
        return bytes
    }
}
