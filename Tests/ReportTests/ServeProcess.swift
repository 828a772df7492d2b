import Foundation
import TestSupport

/// `etl-runtime serve` on a free loopback port, for one test: started, its address read from
/// the line it prints, and stopped with SIGTERM (killed if it has not stopped 10 s later).
final class ServeProcess {
    let process = Process()
    let url: String
    private let stderrPath: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(_ workspace: ReportWorkspace, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        process.arguments = ["serve", "--manifest", workspace.manifest, "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        var merged = ProcessInfo.processInfo.environment
        environment.forEach { merged[$0.key] = $0.value }
        process.environment = merged
        let stdoutPath = workspace.folder.file("serve.out")
        stderrPath = workspace.folder.file("serve.err")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: String?
        while found == nil, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").first { $0.hasPrefix("serving ") }.map { String($0.dropFirst("serving ".count)) }
            if found == nil { usleep(50_000) }
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw Failure(description: "serve did not print its address: \((try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")")
        }
        url = found
    }

    deinit { _ = stop() }

    /// Sends SIGTERM and waits; returns the exit status and how long the stop took.
    @discardableResult
    func stop() -> (status: Int32, seconds: Double) {
        guard process.isRunning else { return (process.terminationStatus, 0) }
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// GET `path` with curl: the status code, the body and the headers. Redirects are not followed.
    func get(_ path: String, headers: [String] = []) throws -> (status: Int, body: String, headers: String) {
        let folder = TemporaryDirectory("etl-curl")
        let outcome = try ProcessRunner.run("/usr/bin/curl", [
            "-s", "-g", "--max-time", "30", "-o", folder.file("body"), "-D", folder.file("headers"), "-w", "%{http_code}",
        ] + headers.flatMap { ["-H", $0] } + [url + path])
        guard outcome.status == 0, let status = Int(outcome.stdout) else {
            throw Failure(description: "curl \(path) failed (\(outcome.status)): \(outcome.stderr)")
        }
        return (status, (try? String(contentsOfFile: folder.file("body"), encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: folder.file("headers"), encoding: .utf8)) ?? "")
    }

    /// GET `path` with curl into `file` (for bodies too big to hold twice): the status code and
    /// the headers. curl exits non-zero on a chunked body cut short, which fails here too.
    func download(_ path: String, to file: String) throws -> (status: Int, headers: String) {
        let headers = file + ".headers"
        let outcome = try ProcessRunner.run("/usr/bin/curl", [
            "-s", "-S", "-g", "--max-time", "120", "-o", file, "-D", headers, "-w", "%{http_code}", url + path,
        ])
        guard outcome.status == 0, let status = Int(outcome.stdout) else {
            throw Failure(description: "curl \(path) failed (\(outcome.status)): \(outcome.stderr)")
        }
        return (status, (try? String(contentsOfFile: headers, encoding: .utf8)) ?? "")
    }

    /// The most memory the process has held resident so far (VmHWM), in KiB.
    func peakResidentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            throw Failure(description: "no VmHWM in /proc/\(process.processIdentifier)/status")
        }
        return kib
    }
}
