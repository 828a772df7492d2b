/// A token bucket of one token: requests are spaced at least `1 / rate` seconds apart, so no
/// window of a second ever holds more than `rate` of them (APIs count per window, and a burst
/// at the start of a window is what trips their limits). One per client; used from its thread.
final class RateLimiter {
    private let rate: Double
    private let capacity: Double
    private var tokens: Double
    private var updated: Double

    /// A bucket that starts full.
    init(perSecond rate: Double) {
        self.rate = rate
        self.capacity = 1
        self.tokens = 1
        self.updated = MonotonicClock.now()
    }

    /// Takes one token, sleeping until one is available. Returns false when cancelled while waiting.
    func acquire(isCancelled: () -> Bool) -> Bool {
        refill()
        if tokens < 1 {
            let wait = (1 - tokens) / rate
            guard MonotonicClock.sleep(wait, isCancelled: isCancelled) else { return false }
            refill()
        }
        tokens = max(0, tokens - 1)
        return true
    }

    private func refill() {
        let now = MonotonicClock.now()
        tokens = min(capacity, tokens + (now - updated) * rate)
        updated = now
    }
}
