import ETLRuntimeCore
import Foundation

/// SIGINT/SIGTERM ask the run to stop at the next batch boundary (committed work stays
/// committed), passing the request on to its worker processes; a second signal ends the
/// process at once, and its workers with it (they die with their parent).
enum SignalHandling {
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                if CancellationFlag.isCancelled {
                    signal(received, SIG_DFL)
                    raise(received)
                }
                CancellationFlag.requestCancellation()
                WorkerRegistry.stopAll()
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
            usleep(50_000)
        }
    }
}
