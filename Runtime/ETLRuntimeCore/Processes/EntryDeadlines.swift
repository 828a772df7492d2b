/// The deadlines of one entry's run. When its `timeout` passes, or a stop is requested
/// (SIGINT/SIGTERM), the entry is asked to stop; from then on it has its `stop_timeout` to reach
/// a batch boundary, after which its worker is killed (in-process: the run ends without it).
/// Whichever comes first gives the reason; the other then changes nothing.
package struct EntryDeadlines: Sendable {
    /// Why the entry was asked to stop.
    package enum Reason: Sendable, Equatable {
        /// SIGINT/SIGTERM: recorded as cancelled, and the run exits 128 + the signal.
        case stopRequested
        /// Its `timeout` passed: recorded as failed (nobody asked for the stop).
        case timedOut
    }

    /// What the one watching the entry must do now.
    package enum Action: Sendable, Equatable {
        case askToStop(Reason)
        case kill(Reason)
    }

    package let entryID: String
    package let timeout: ISO8601Duration?
    package let stopTimeout: ISO8601Duration
    private let started: Double
    /// Set once the entry was asked to stop.
    package private(set) var reason: Reason?
    private var askedAt = 0.0
    package private(set) var killed = false

    /// Deadlines for `entry`, whose run started at `started` (`MonotonicTime` seconds).
    package init(_ entry: ControlEntry, started: Double) {
        entryID = entry.id
        timeout = entry.timeout
        stopTimeout = entry.stopTimeout
        self.started = started
    }

    /// The action due at `now`, if any; `stopRequested` says whether a stop was asked for.
    package mutating func due(now: Double, stopRequested: Bool) -> Action? {
        guard let reason else {
            if stopRequested {
                return askToStop(.stopRequested, now: now)
            }
            if let timeout, now >= started + Double(timeout.seconds) {
                return askToStop(.timedOut, now: now)
            }
            return nil
        }
        guard !killed, now >= askedAt + Double(stopTimeout.seconds) else { return nil }
        killed = true
        return .kill(reason)
    }

    /// Seconds from `now` to the next deadline; nil when none is left.
    package func secondsToNextDeadline(now: Double) -> Double? {
        if killed { return nil }
        if reason != nil { return max(0, askedAt + Double(stopTimeout.seconds) - now) }
        return timeout.map { max(0, started + Double($0.seconds) - now) }
    }

    private mutating func askToStop(_ reason: Reason, now: Double) -> Action {
        self.reason = reason
        askedAt = now
        return .askToStop(reason)
    }

    private var grace: String { "\(stopTimeout.seconds) s" }

    /// The line logged when the entry is asked to stop: the grace period starts.
    package func askedToStopMessage(inProcess: Bool) -> String {
        let after = inProcess ? "before the run ends without it (--in-process cannot kill a thread)" : "before it is killed"
        switch reason {
        case .timedOut: return "entry \(entryID) timed out after \(timeout?.text ?? "?"); asked it to stop; it has \(grace) \(after)"
        default: return "asked entry \(entryID) to stop; it has \(grace) \(after)"
        }
    }

    /// The line logged when the grace period is over.
    package func killedMessage(pid: Int32) -> String {
        "entry \(entryID) did not stop within \(grace) of being asked to; killed its worker process (pid \(pid))"
    }

    /// The error recorded for an entry that did not stop within its grace period, and the
    /// status it gets: cancelled for a stop request, failed for a timeout.
    package func overdueOutcome(inProcess: Bool) -> (status: EntryRunResult.Status, error: String) {
        switch reason {
        case .timedOut:
            return (.failed, "timed out after \(timeout?.text ?? "?") and did not stop within \(grace); killed")
        default:
            let end = inProcess ? "the run ended without it (--in-process cannot kill a thread)" : "killed"
            return (.cancelled, "did not stop within \(grace) of the stop request; \(end)")
        }
    }

    /// `result` as recorded when the entry ended by itself after its timeout had asked it to
    /// stop: failed, whatever it stopped with, unless it got all its work done anyway.
    package func timedOut(_ result: EntryRunResult) -> EntryRunResult {
        guard reason == .timedOut, result.status != .ok else { return result }
        var result = result
        result.status = .failed
        // The entry's own time budget is spent: another attempt would only spend more.
        result.retryable = false
        result.error = "timed out after \(timeout?.text ?? "?")" + (result.error.map { " (\($0))" } ?? "")
        return result
    }
}
