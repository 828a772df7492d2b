import CProcessControl
import Foundation

/// A program started with posix_spawn, its standard output on a pipe. Foundation's `Process`
/// waits for exit on a run loop in 50 ms steps, which alone would make `list-plugins` (one
/// child per call) several times slower than its whole work. Used for plugin probes and for
/// the workers that run entries.
package final class ChildProcess {
    /// Where the child's standard error goes.
    package enum ErrorOutput: Sendable {
        case discard
        case inherit
    }

    package enum End: Sendable, Equatable {
        case exit(Int32)
        case signal(Int32)
    }

    package struct LaunchError: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package let pid: pid_t
    /// Our end of the pipe the child's standard output goes to.
    let output: Int32

    /// Starts `executable` with `arguments`: stdin from /dev/null, stdout into a pipe (read it
    /// with `readLines`, then `wait`), stderr as asked, and `descriptor3`, when
    /// given, as the child's descriptor 3; `passing` gives the child more descriptors (its
    /// number: ours). The pipe is close-on-exec on our side, so children
    /// started at the same moment by other threads never hold each other's pipes open.
    /// `blockedSignals` start blocked in the child: a signal sent before the child has installed
    /// its handlers then waits for them instead of killing it with the default action.
    package init(
        _ executable: String, _ arguments: [String], stderr: ErrorOutput, descriptor3: Int32? = nil,
        passing: [Int32: Int32] = [:], blockedSignals: [Int32] = []
    ) throws(LaunchError) {
        var ends: [Int32] = [0, 0]
        guard etl_pipe_cloexec(&ends) == 0 else { throw LaunchError(description: "pipe: \(String(cString: strerror(errno)))") }
        var given = passing
        if let descriptor3 { given[3] = descriptor3 }
        // Copies above 10, so that each dup2 onto a small number makes a new, inheritable
        // descriptor, and no copy sits on a number the child is to receive.
        let passed = given.map { (number: $0.key, copy: fcntl($0.value, F_DUPFD_CLOEXEC, 10)) }
        defer { for descriptor in passed where descriptor.copy >= 0 { close(descriptor.copy) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        if stderr == .discard { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        for descriptor in passed where descriptor.copy >= 0 {
            posix_spawn_file_actions_adddup2(&actions, descriptor.copy, descriptor.number)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if !blockedSignals.isEmpty {
            var mask = sigset_t()
            sigemptyset(&mask)
            for number in blockedSignals { sigaddset(&mask, number) }
            posix_spawnattr_setsigmask(&attributes, &mask)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(ends[1])
        guard spawned == 0 else {
            close(ends[0])
            throw LaunchError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        output = ends[0]
    }

    deinit {
        close(output)
    }

    /// Calls `body` with each line the child writes (without the newline), until it closes
    /// its standard output.
    package func readLines(_ body: (Data) -> Void) {
        _ = readLines(waitingAtMost: { _ in .infinity }, body)
    }

    /// As `readLines`, but gives up waiting when no complete line arrives within
    /// `limit(linesSoFar)` seconds, and then returns false (the child is left running: kill it).
    /// A deadline per line, not for the whole output: a child that answers slowly but steadily
    /// is waited for.
    package func readLines(waitingAtMost limit: (_ linesSoFar: Int) -> Double, _ body: (Data) -> Void) -> Bool {
        var pending = Data()
        var lines = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var deadline = MonotonicTime.seconds() + limit(0)
        while true {
            let left = deadline - MonotonicTime.seconds()
            guard left > 0 else { return false }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left * 1000, Double(Int32.max)).rounded(.up)))
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                body(pending[pending.startIndex..<newline])
                pending.removeSubrange(pending.startIndex...newline)
                lines += 1
                deadline = MonotonicTime.seconds() + limit(lines)
            }
        }
        if !pending.isEmpty { body(pending) }
        return true
    }

    /// Sends `signal` to the child. Only before `wait` has returned: after that the pid may
    /// belong to another process.
    package func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Seconds on a clock that wall-clock changes do not move.
    /// Waits for the child to end.
    package func wait() -> End {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }
}
