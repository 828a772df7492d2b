import Foundation

/// A helper server started through a Python script that prints `port N` once it listens on
/// 127.0.0.1 and exits when its standard input closes: the pipe this object holds, closed in
/// `deinit` or by the kernel when the test process dies, so no server outlives its test.
public final class GuardedProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The loopback port the server listens on.
    public let port: Int
    private let process: Process
    private let lifeline = Pipe()
    private let logs: TemporaryDirectory

    /// Runs `script` (under `Tests/ObjectStoreEmulators`) with `arguments` in the project's
    /// venv Python, with `environment` added, and waits up to `timeout` seconds for its port.
    public init(script: String, arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 40) throws {
        logs = TemporaryDirectory("guarded-process")
        let stdoutPath = logs.file("stdout.txt")
        let stderrPath = logs.file("stderr.txt")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        guard let output = FileHandle(forWritingAtPath: stdoutPath), let errors = FileHandle(forWritingAtPath: stderrPath) else {
            throw Failure(description: "GuardedProcess: cannot create its output files in \(logs.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ProjectPython.executable())
        process.arguments = [TestPaths.source("Tests/ObjectStoreEmulators/\(script)")] + arguments
        var merged = ProcessInfo.processInfo.environment
        environment.forEach { merged[$0.key] = $0.value }
        process.environment = merged
        process.standardInput = lifeline
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        try? output.close()
        try? errors.close()
        self.process = process
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("port ") }), let port = Int(line.dropFirst(5)) {
                self.port = port
                return
            }
            if !process.isRunning || Date() > deadline {
                let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
                if process.isRunning { process.terminate() }
                throw Failure(description: "GuardedProcess: \(script) \(arguments.joined(separator: " ")) did not start listening; its stderr:\n\(stderr.suffix(3000))")
            }
            usleep(20_000)
        }
    }

    deinit {
        try? lifeline.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        // A guard that does not stop within 10 s is killed: a test run must never hang on it.
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
