import Foundation

/// `Tests/MockAPI/range_file_server.py` serving a folder on 127.0.0.1 with byte ranges, for as
/// long as this object lives; its request log is read back with `requests()`.
public final class RangeFileServer {
    /// Why the server could not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let baseURL: String
    private let process: Process
    private let lifeline = Pipe()
    private let scratch = TemporaryDirectory("range-server")

    /// Serves `root`; `ignoreRange` answers 200 to every GET, `token` requires that bearer token.
    /// `dropAfter` cuts the first whole-file GET after that many body bytes.
    public init(root: String, ignoreRange: Bool = false, token: String? = nil, dropAfter: Int? = nil) throws {
        let stdoutPath = scratch.file("stdout.txt")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.file("stderr.txt"), contents: nil)
        guard let output = FileHandle(forWritingAtPath: stdoutPath), let errors = FileHandle(forWritingAtPath: scratch.file("stderr.txt")) else {
            throw Failure(description: "RangeFileServer: cannot create its output files in \(scratch.path)")
        }
        var arguments = [TestPaths.source("Tests/MockAPI/range_file_server.py"), "--root", root, "--port", "0",
                         "--log", scratch.file("requests.jsonl"), "--watch-stdin"]
        if ignoreRange { arguments.append("--ignore-range") }
        if let token { arguments += ["--token", token] }
        if let dropAfter { arguments += ["--drop-after", String(dropAfter)] }
        let process = Process()
        // Python itself rather than a launcher (e.g. a pyenv shim), so that terminate() reaches it.
        let probe = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"])
        process.executableURL = URL(fileURLWithPath: probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        process.arguments = arguments
        process.standardInput = lifeline
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(15)
        while true {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, line.hasPrefix("listening on ") {
                baseURL = String(line.dropFirst("listening on ".count))
                return
            }
            guard process.isRunning, Date() < deadline else {
                let stderr = (try? String(contentsOfFile: scratch.file("stderr.txt"), encoding: .utf8)) ?? ""
                process.terminate()
                throw Failure(description: "RangeFileServer did not start: \(stderr)")
            }
            usleep(10_000)
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? lifeline.fileHandleForWriting.close()
    }

    /// Every request so far: `method`, `path`, `range` (the Range header or nil), `status`,
    /// `bytes` (the body bytes it was answered with), `authorization` (whether the header came).
    public func requests() throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: scratch.file("requests.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }
}
