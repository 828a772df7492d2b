import Foundation

/// Watching a child among other pipes and deadlines (a run watching a worker), instead of
/// blocking in `readLines` and `wait`.
extension ChildProcess {
    /// Our end of the child's stdout pipe, made non-blocking, to poll together with other
    /// descriptors and read with `DescriptorPolling.readAvailable`.
    package func pollableOutput() -> Int32 {
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
        return output
    }

    /// How the child ended, reaping it, or nil while it still runs. Once this returned an end,
    /// `wait` must not be called (the pid is free for another process).
    package func endIfExited() -> End? {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
        guard reaped == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }
}
