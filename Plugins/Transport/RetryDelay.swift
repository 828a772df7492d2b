/// How long to wait before the next attempt: exponential backoff with full jitter, or what a
/// `Retry-After` header asks for.
package enum RetryDelay {
    /// Full jitter: a uniform random delay in [0, min(cap, base × 2^(attempt-1))], so that many
    /// clients retrying together spread out instead of hitting the server in waves.
    package static func backoff(attempt: Int, base: Double, cap: Double) -> Double {
        let ceiling = min(cap, base * Double(1 << min(attempt - 1, 30)))
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling)
    }

    /// The wait a `Retry-After` value asks for, in seconds: delta-seconds (`"120"`) or an
    /// HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`) compared with `now` (epoch seconds).
    /// Nil when the value is neither.
    package static func retryAfter(_ value: String, now: Double) -> Double? {
        let trimmed = Substring(value).trimmingWhitespace()
        if let seconds = Int(trimmed), seconds >= 0 { return Double(seconds) }
        guard let date = HTTPDate.epochSeconds(trimmed) else { return nil }
        return max(0, Double(date) - now)
    }
}
