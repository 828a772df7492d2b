import CETLPlugin
import Foundation
import Logging

extension SinkInstance {
    /// How long a load waits for a busy sink before the entry fails: long enough for another
    /// entry's full load into the same SQLite file (`run --jobs`) to finish.
    static let busyWaitSeconds: Double = 600

    /// `begin`, waiting while the sink answers ETL_RETRYABLE (busy: another writer holds the
    /// database). Nothing of the load was written yet, so starting it again is safe. Stops
    /// waiting when the run is cancelled or after `seconds`, then throws the sink's error.
    func begin(_ request: LoadRequest, waitingUpTo seconds: Double, logger: Logger) throws(PluginCallError) {
        let started = Date()
        var delay = 0.05
        var nextNotice = started
        while true {
            do {
                try begin(request)
                return
            } catch where error.status == ETL_RETRYABLE {
                let waited = Date().timeIntervalSince(started)
                guard !CancellationFlag.isCancelled, waited + delay < seconds else {
                    var late = error
                    if waited > 0.5 { late.message += " (after waiting \(Int(waited)) s for it to become free)" }
                    throw late
                }
                if Date() >= nextNotice {
                    logger.info("the sink is busy; waiting to start the load", metadata: ["reason": "\(error.message)"])
                    nextNotice = Date().addingTimeInterval(30)
                }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 1)
            }
        }
    }
}
