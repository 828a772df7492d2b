import CProcessControl
import ETLRuntimeCore
import Foundation

/// The standard streams as cron, systemd or a shell hand them over, made safe to use: a closed
/// or broken stderr costs log lines, never the run, and output that could not be written is
/// an error, not a silent success.
enum StandardStreams {
    /// Call first thing. A descriptor 0, 1 or 2 that was closed (`2>&-`) is taken by /dev/null,
    /// opened read-only: the next file the run opens would otherwise get that number, and log
    /// lines or printed rows would go into a data file. Read-only keeps the stream as closed
    /// as it was (writes fail with EBADF). SIGPIPE is ignored, so a pipe whose reader is gone
    /// fails a write with EPIPE (which `StderrWriter` drops) instead of killing the run.
    static func prepare() {
        for descriptor in STDIN_FILENO...STDERR_FILENO where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            // open returns the lowest free number: this one, as the lower ones are open.
            let reserved = open("/dev/null", O_RDONLY)
            if reserved >= 0, reserved != descriptor { close(reserved) }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    /// Call when a command has finished: pushes out what is left of its standard output and,
    /// when any of it could not be written (a full disk, a closed stream), says so and exits 74
    /// (EX_IOERR), so `etl-runtime status --json > report.json` never leaves an empty report
    /// behind an exit code of 0.
    static func finishStandardOutput() {
        let flushed = etl_flush_standard_output()
        let cause = errno
        guard flushed != 0 || Console.outputFailed else { return }
        Console.error("etl-runtime: cannot write to standard output" + (flushed == -1 ? ": \(String(cString: strerror(cause)))" : ""))
        exit(ExitCodes.outputFailed.rawValue)
    }
}
