#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Time for waits (backoff, rate limit, Retry-After): monotonic seconds, and a cancellable sleep.
package enum MonotonicClock {
    /// Seconds since an arbitrary start; never goes backwards.
    package static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The wall clock in seconds since the Unix epoch (to read HTTP dates in Retry-After).
    package static func wallSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Sleeps `seconds`, waking every 50 ms to ask `isCancelled`; returns false when cancelled.
    package static func sleep(_ seconds: Double, isCancelled: () -> Bool) -> Bool {
        let end = now() + seconds
        while true {
            if isCancelled() { return false }
            let left = end - now()
            if left <= 0 { return true }
            let slice = min(left, 0.05)
            var request = timespec(tv_sec: Int(slice), tv_nsec: Int((slice - Double(Int(slice))) * 1e9))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
        }
    }
}
