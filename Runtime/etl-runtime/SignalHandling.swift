import ETLRuntimeCore
import Foundation
import Synchronization

/// SIGINT/SIGTERM ask the run to stop at the next batch boundary (committed work stays
/// committed), passing the request on to its worker processes; an entry that has not stopped
/// within its `stop_timeout` is then killed (see `EntryDeadlines`). A second signal ends the
/// process at once, and its workers with it (they die with their parent). The first signal
/// is remembered: the run exits 128 + its number (see `RunOutcome`).
enum SignalHandling {
    /// 0 until the first SIGINT/SIGTERM; an atomic store is safe in a signal handler.
    private static let first = Atomic<Int32>(0)

    /// The signal that asked this run to stop first, if one did.
    static var firstSignal: Int32? {
        let number = first.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
    }

    static func install() {
        // Touch both flags now: a global's first use may take a lock, which a handler must not.
        _ = firstSignal
        _ = CancellationFlag.isCancelled
        StopNotice.prepare()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                if CancellationFlag.isCancelled {
                    signal(received, SIG_DFL)
                    raise(received)
                }
                _ = SignalHandling.first.compareExchange(expected: 0, desired: received, ordering: .sequentiallyConsistent)
                CancellationFlag.requestCancellation()
                WorkerRegistry.stopAll()
                // Wakes the threads that keep the entries' stop deadlines (see `EntryDeadlines`).
                StopNotice.post()
            }
        }
    }

    /// The signals a worker starts with blocked (see `ChildProcess`), until `installInWorker`
    /// has its handlers in place: a stop asked for while it starts is then a stop, not a death.
    static let blockedInStartingWorker = [SIGINT, SIGTERM, WorkerRegistry.stopSignal]

    /// In a worker: only the run that started it asks it to stop (see `WorkerRegistry`).
    static func installInWorker() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(WorkerRegistry.stopSignal) { _ in CancellationFlag.requestCancellation() }
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in blockedInStartingWorker { sigaddset(&mask, number) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    /// Sleeps up to `seconds`, waking early when a stop was requested.
    static func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !CancellationFlag.isCancelled, Date() < deadline {
            usleep(UInt32(min(50_000, max(1_000, deadline.timeIntervalSinceNow * 1_000_000))))
        }
    }
}
