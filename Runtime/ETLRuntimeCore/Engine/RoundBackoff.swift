/// When `run --every` starts its next round. After a good round: one interval later. After a
/// failed round the wait doubles each time (2, 4, 8, 16 intervals), up to 16 intervals or one
/// hour, whichever is shorter (never shorter than the interval itself), so a broken source or
/// an unreachable API is not hammered every few seconds all night; a good round resets it.
/// After `maxFailures` failed rounds in a row the run stops: something needs a person.
package struct RoundBackoff: Sendable {
    /// What the loop does after a round.
    package enum Next: Sendable, Equatable {
        /// Start the next round after this many seconds.
        case wait(seconds: Double)
        /// Stop: `maxFailures` rounds in a row failed.
        case stop
    }

    /// The `--every` interval, in seconds.
    package let interval: Double
    /// The failed rounds in a row that stop the run (`--max-failures`).
    package let maxFailures: Int
    /// Failed rounds since the last good one.
    package private(set) var failedRoundsInARow = 0

    /// The longest wait after failures: 16 intervals, or an hour when that is shorter.
    package static let maxWaitFactor = 16.0
    package static let maxWaitSeconds = 3600.0

    package init(interval: Double, maxFailures: Int) {
        self.interval = interval
        self.maxFailures = maxFailures
    }

    /// Records how the last round ended and says what to do next.
    package mutating func next(afterRoundFailed failed: Bool) -> Next {
        guard failed else {
            failedRoundsInARow = 0
            return .wait(seconds: interval)
        }
        failedRoundsInARow += 1
        if failedRoundsInARow >= maxFailures { return .stop }
        let doubled = interval * Double(1 << min(failedRoundsInARow, 32))
        let longest = max(interval, min(interval * Self.maxWaitFactor, Self.maxWaitSeconds))
        return .wait(seconds: min(doubled, longest))
    }
}
