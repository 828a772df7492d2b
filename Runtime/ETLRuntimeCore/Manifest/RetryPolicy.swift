/// An entry's `retry`: how many times one run tries the entry when it fails for a reason that
/// may pass by itself (the network, a busy database, an API answering 5xx or 429, a timeout),
/// and how long it waits in between. A configuration or data error is never retried: the same
/// attempt would fail the same way (see `EntryRunResult.retryable`).
///
/// The wait doubles (exponential backoff): `backoff` before the second attempt, twice that
/// before the third, and so on, each at most `maximumWaitSeconds`. An API that failed once
/// is more likely to need longer than to need the same again.
package struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (at least 1; 1 never retries).
    package var attempts: Int
    /// The wait before the second attempt.
    package var backoff: ISO8601Duration

    /// The most `attempts` a manifest may ask for: more would hide an outage for hours.
    package static let maximumAttempts = 20
    /// No wait between attempts is longer than a day, however many doublings.
    package static let maximumWaitSeconds: Double = 86_400

    package init(attempts: Int, backoff: ISO8601Duration) {
        self.attempts = attempts
        self.backoff = backoff
    }

    /// Seconds to wait before attempt `attempt` (2, 3, ...): `backoff` · 2^(attempt − 2).
    package func waitSeconds(beforeAttempt attempt: Int) -> Double {
        let doublings = max(0, min(attempt - 2, 40))
        return min(Double(backoff.seconds) * Double(1 << doublings), Self.maximumWaitSeconds)
    }
}
