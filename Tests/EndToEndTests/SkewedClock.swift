import Foundation
import TestSupport

/// A host whose clock is wrong, for a process of this one: Debian's `faketime` preloads
/// libfaketime, which shifts every wall-clock time the process (and the worker processes it
/// starts, which inherit its environment) reads, `Date()` and `clock_gettime` alike. The
/// monotonic clock is left alone, as a wrong wall clock leaves it.
enum SkewedClock {
    static let faketime = "/usr/bin/faketime"

    struct Missing: Error, CustomStringConvertible {
        var description: String { "\(SkewedClock.faketime) is missing: install the Debian package faketime (`make deps`)" }
    }

    /// How to start `executable ARGUMENTS` with its clock `offset` off ("+2h", "-90m"); as it is
    /// when `offset` is nil. The environment is this process's.
    static func command(_ executable: String, _ arguments: [String], offset: String?) throws
        -> (executable: String, arguments: [String], environment: [String: String]) {
        var environment = ProcessInfo.processInfo.environment
        guard let offset else { return (executable, arguments, environment) }
        guard FileManager.default.isExecutableFile(atPath: faketime) else { throw Missing() }
        environment["DONT_FAKE_MONOTONIC"] = "1"
        return (faketime, ["-f", offset, executable] + arguments, environment)
    }
}

extension RunWorkspace {
    /// `etl-runtime ARGUMENTS` in this folder, on a host whose clock is `clockOffset` off.
    func run(_ arguments: [String], clockOffset: String) throws -> ProcessOutcome {
        let command = try SkewedClock.command(TestPaths.runtimeExecutable, arguments, offset: clockOffset)
        return try ProcessRunner.run(command.executable, command.arguments, environment: command.environment, currentDirectory: path)
    }
}
