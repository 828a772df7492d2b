import Glibc

/// Seconds on a clock that setting the system time does not move: deadlines measured on the
/// wall clock would fire early or never when NTP or a person changes the time.
package enum MonotonicTime {
    package static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
