import Foundation

/// Whether a process still runs, for telling a live lock holder or run from a dead one.
enum ProcessLiveness {
    /// True while `pid` is a live process. A killed process whose parent has not reaped it yet
    /// is a zombie: `kill(pid, 0)` still succeeds, but it runs nothing any more.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        // "pid (comm) S ...": the state letter follows the command name's closing parenthesis.
        return stat[close...].dropFirst(2).first != "Z"
    }
}
