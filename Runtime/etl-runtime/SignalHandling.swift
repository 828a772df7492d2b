import ETLRuntimeCore
import Foundation

/// SIGINT/SIGTERM ask the run to stop at the next batch boundary (committed work stays
/// committed); a second signal ends the process at once.
enum SignalHandling {
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                if CancellationFlag.isCancelled {
                    signal(received, SIG_DFL)
                    raise(received)
                }
                CancellationFlag.requestCancellation()
            }
        }
    }

    /// Sleeps up to `seconds`, waking early when a stop was requested.
    static func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !CancellationFlag.isCancelled, Date() < deadline {
            usleep(50_000)
        }
    }
}
