import ETLRuntimeCore
import Foundation
import Synchronization

/// The worker processes running right now, readable from a signal handler: a fixed table of
/// pids (0 = free slot) that the handler walks with `kill`, which is async-signal-safe.
enum WorkerRegistry {
    /// The signal that asks a worker to stop at its next batch boundary. Workers ignore
    /// SIGINT and SIGTERM, so a signal sent to the whole process group (a terminal's Ctrl-C,
    /// systemd stopping the service) reaches them once, through the run that owns them.
    static let stopSignal = SIGUSR1

    private static let capacity = 1024
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<pid_t> = {
        let slots = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        return slots
    }()
    /// Serialises writers of the table (the signal handler only reads it).
    private static let writers = Mutex(())

    /// Remembers a started worker; if a stop was already asked for, passes it on at once
    /// (the handler may have run before the pid was in the table).
    static func add(_ pid: pid_t) {
        writers.withLock { _ in
            if let free = (0..<capacity).first(where: { slots[$0] == 0 }) { slots[free] = pid }
            if CancellationFlag.isCancelled { kill(pid, stopSignal) }
        }
    }

    static func remove(_ pid: pid_t) {
        writers.withLock { _ in
            for index in 0..<capacity where slots[index] == pid { slots[index] = 0 }
        }
    }

    /// Called from the signal handler: asks every live worker to stop.
    static func stopAll() {
        for index in 0..<capacity {
            let pid = slots[index]
            if pid > 0 { kill(pid, stopSignal) }
        }
    }
}
