import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The mock task-tracker API (`Tests/MockAPI/mock_api.py`, endpoints in its README) running on
/// 127.0.0.1 for the lifetime of this object.
///
/// Each instance is its own server on a free port, so tests may run side by side. The server is
/// stopped (SIGTERM, then waited for) in `deinit`; it also exits by itself when this test process
/// dies, because it watches the pipe on its standard input.
public final class MockAPIServer {
    /// Why the server could not be started or a control call failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `http://127.0.0.1:PORT` (`https://` when started with `tls`), without a trailing slash.
    public let baseURL: String
    /// Where the control calls go: always plain `http://` on the same port, because the mock also
    /// answers `/_control/` over plain HTTP in TLS mode and URLSession on Linux cannot be told to
    /// trust a throwaway CA without changing the whole test process's environment.
    private let controlURL: String

    private let process: Process
    /// Held open for as long as the server should live: its closing is the server's exit signal.
    private let lifeline: Pipe
    private let logs: TemporaryDirectory
    private let session: URLSession

    /// How long the server may take to print its address.
    private static let startTimeout: TimeInterval = 15

    /// Starts the server with `token` as the secret of its bearer, basic and API-key endpoints and
    /// `tasks` tasks in its dataset, and waits until it listens. With `tls` (paths of a PEM
    /// certificate chain and its private key) it serves HTTPS and `baseURL` is `https://`.
    public init(token: String = "test-token", tasks: Int = 250, tls: (certificate: String, key: String)? = nil) throws {
        let logs = TemporaryDirectory("mock-api")
        let script = TestPaths.source("Tests/MockAPI/mock_api.py")
        let stdoutPath = logs.file("stdout.txt")
        let stderrPath = logs.file("stderr.txt")
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
            FileManager.default.createFile(atPath: stderrPath, contents: nil),
            let stdoutHandle = FileHandle(forWritingAtPath: stdoutPath),
            let stderrHandle = FileHandle(forWritingAtPath: stderrPath)
        else {
            throw Failure(description: "MockAPIServer: cannot create its output files in \(logs.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.python.get())
        process.arguments = [script, "--port", "0", "--token", token, "--tasks", String(tasks), "--watch-stdin"]
        if let tls { process.arguments? += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        let lifeline = Pipe()
        process.standardInput = lifeline
        // Files rather than pipes: nobody has to drain them while the tests run.
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        do {
            try process.run()
        } catch {
            let python = process.executableURL?.path ?? "python3"
            throw Failure(description: "MockAPIServer: cannot run \(python) \(script): \(error)")
        }
        try? stdoutHandle.close()
        try? stderrHandle.close()

        let url: String
        do {
            url = try Self.awaitAddress(of: process, stdoutPath: stdoutPath, stderrPath: stderrPath)
        } catch {
            Self.stop(process)
            throw error
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        self.session = URLSession(configuration: configuration)
        self.baseURL = url
        self.controlURL = url.hasPrefix("https://") ? "http://" + url.dropFirst("https://".count) : url
        self.process = process
        self.lifeline = lifeline
        self.logs = logs
    }

    deinit {
        session.invalidateAndCancel()
        Self.stop(process)
        try? lifeline.fileHandleForWriting.close()
    }

    /// Restores the default dataset and clears the request and write logs and the fault counters.
    public func reset() throws {
        _ = try control("POST", "/_control/reset")
    }

    /// Upserts tasks by id; `json` is a JSON array of task objects. Fields of an existing task that
    /// are not given keep their value; a new task needs at least `id` and `updated_at`.
    public func upsertTasks(_ json: String) throws {
        _ = try control("POST", "/_control/tasks", body: Data(json.utf8))
    }

    /// Every non-control request received since the start or the last reset, in arrival order:
    /// `method`, `path`, `query` (name → value), `headers` (as sent; Authorization is
    /// `<redacted>`), `status` and `time` (seconds since 1970).
    public func requests() throws -> [[String: Any]] {
        try array(control("GET", "/_control/requests"), from: "/_control/requests")
    }

    /// Every task the API holds, in its order (`GET /page/tasks?per_page=10000`, over plain HTTP, so
    /// not in TLS mode); the request shows in `requests()` like any other.
    public func tasks() throws -> [[String: Any]] {
        let body = try control("GET", "/page/tasks?per_page=10000")
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let tasks = object["tasks"] as? [[String: Any]] else {
            throw Failure(description: "MockAPIServer: /page/tasks did not answer {\"tasks\": [...]}")
        }
        return tasks
    }

    /// Every request to a write endpoint, in arrival order: `method`, `path`, `headers` (as sent,
    /// so an `Idempotency-Key` is there), `body` (the parsed JSON) and `time`.
    public func writes() throws -> [[String: Any]] {
        try array(control("GET", "/_control/writes"), from: "/_control/writes")
    }

    /// Every TLS handshake the server attempted (TLS mode only), in order: `ok` (Bool), `error`
    /// (the server's OpenSSL message when the client gave up, e.g. on an unknown CA) and `time`.
    /// A failed handshake never reaches `requests()`, so this is how retries of one are counted.
    public func handshakes() throws -> [[String: Any]] {
        try array(control("GET", "/_control/handshakes"), from: "/_control/handshakes")
    }

    // MARK: - Starting and stopping

    /// The interpreter behind `python3` on PATH, found once. Started directly rather than through
    /// a launcher such as a pyenv shim, which runs Python as its child: SIGTERM would then stop
    /// the launcher and leave the server running.
    private static let python: Result<String, Failure> = {
        let probe = try? ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"])
        let path = probe?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard let probe, probe.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(
                Failure(
                    description: "MockAPIServer: python3 is not on PATH or does not report its executable; "
                        + "install python3 (the mock API needs only its standard library). "
                        + (probe.map { "stderr: \($0.stderr)" } ?? "")))
        }
        return .success(path)
    }()

    private static func awaitAddress(of process: Process, stdoutPath: String, stderrPath: String) throws -> String {
        let prefix = "listening on "
        let deadline = Date().addingTimeInterval(startTimeout)
        while true {
            let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let newline = output.firstIndex(of: "\n") {
                let line = String(output[..<newline])
                guard line.hasPrefix(prefix) else {
                    throw Failure(description: "MockAPIServer: unexpected first line \(line.debugDescription)")
                }
                return String(line.dropFirst(prefix.count))
            }
            if !process.isRunning {
                throw Failure(
                    description: "MockAPIServer: the server exited with status \(process.terminationStatus) "
                        + "before listening; its stderr:\n\(stderrText(stderrPath))")
            }
            if Date() > deadline {
                throw Failure(
                    description: "MockAPIServer: no address printed within \(Int(startTimeout)) s; its stderr:\n"
                        + stderrText(stderrPath))
            }
            usleep(10_000)
        }
    }

    private static func stderrText(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.isEmpty ? "(empty)" : text
    }

    private static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    // MARK: - Control calls

    func control(_ method: String, _ path: String, body: Data? = nil) throws -> Data {
        guard let url = URL(string: controlURL + path) else {
            throw Failure(description: "MockAPIServer: bad URL \(controlURL + path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let reply = try BlockingReply.fetch(request, with: session)
        guard reply.status == 200 else {
            let text = String(decoding: reply.body.prefix(2000), as: UTF8.self)
            throw Failure(description: "MockAPIServer: \(method) \(path) answered \(reply.status): \(text)")
        }
        return reply.body
    }

    private func array(_ data: Data, from path: String) throws -> [[String: Any]] {
        guard let entries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw Failure(description: "MockAPIServer: \(path) did not answer a JSON array of objects")
        }
        return entries
    }
}

/// One request made synchronously: the completion handler fills it on URLSession's queue while
/// the caller waits on the semaphore, which orders the accesses (hence `@unchecked Sendable`).
private final class BlockingReply: @unchecked Sendable {
    var status = 0
    var body = Data()
    var error: Error?
    let done = DispatchSemaphore(value: 0)

    static func fetch(_ request: URLRequest, with session: URLSession) throws -> BlockingReply {
        let reply = BlockingReply()
        let task = session.dataTask(with: request) { data, response, error in
            reply.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            reply.body = data ?? Data()
            reply.error = error
            reply.done.signal()
        }
        task.resume()
        if reply.done.wait(timeout: .now() + 60) == .timedOut {
            task.cancel()
            throw MockAPIServer.Failure(
                description: "MockAPIServer: \(request.httpMethod ?? "GET") \(request.url?.path ?? "") timed out")
        }
        if let error = reply.error {
            throw MockAPIServer.Failure(
                description: "MockAPIServer: \(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "") "
                    + "failed: \(error)")
        }
        return reply
    }
}
