import Foundation

/// Runs a program and collects its stdout, with posix_spawn and waitpid. Foundation's
/// `Process` waits for exit on a run loop in 50 ms steps, which alone would make
/// `list-plugins` (one child per call) several times slower than its whole work.
enum ChildProcess {
    struct Outcome {
        var stdout: Data
        /// Exit status, when the child exited.
        var status: Int32?
        /// The signal that ended the child, when one did.
        var signal: Int32?
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `executable` with `arguments`; stdin and stderr go to /dev/null.
    static func run(_ executable: String, _ arguments: [String]) throws(LaunchError) -> Outcome {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw LaunchError(description: "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            throw LaunchError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        let output = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true).readDataToEndOfFile()
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0, errno == EINTR {}
        let termination = waitStatus & 0x7f
        if termination == 0 {
            return Outcome(stdout: output, status: (waitStatus >> 8) & 0xff, signal: nil)
        }
        return Outcome(stdout: output, status: nil, signal: termination)
    }
}
