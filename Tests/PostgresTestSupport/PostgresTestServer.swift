import Foundation
import TestSupport
import XCTest

/// The throwaway PostgreSQL cluster of this test process: started by Tests/Postgres/cluster.sh on
/// first use (one per process, ~0.9 s with the cached initdb template, ~2.4 s without), stopped
/// when the process exits — by an exit handler, or by the script's watcher after a crash or kill.
///
/// Tests take a database of their own from it (`PostgresTestDatabase`), so they never see each
/// other's tables.
public final class PostgresTestServer: Sendable {
    /// The connection environment the script printed: PGHOST (the socket folder), PGPORT, PGUSER,
    /// PGDATABASE, ETL_PG_PASSWORD_USER, ETL_PG_PASSWORD, ETL_PG_BINDIR.
    public let environment: [String: String]
    /// The cluster's folder (socket, data, log), removed when the cluster stops.
    public let folder: String

    /// The socket folder, libpq's `host` for local connections.
    public var socketFolder: String { environment["PGHOST"] ?? folder }
    /// The TCP port on 127.0.0.1 (the socket carries the same number).
    public var port: String { environment["PGPORT"] ?? "" }
    /// A superuser that logs in without a password (trust).
    public var superuser: String { environment["PGUSER"] ?? "etl" }
    /// A role that must give its password (scram-sha-256), over the socket and TCP.
    public var passwordUser: String { environment["ETL_PG_PASSWORD_USER"] ?? "" }
    /// That role's password (random per cluster).
    public var password: String { environment["ETL_PG_PASSWORD"] ?? "" }
    /// The server's binaries (psql, pg_ctl).
    public var binDirectory: String { environment["ETL_PG_BINDIR"] ?? "" }

    private init(environment: [String: String], folder: String) {
        self.environment = environment
        self.folder = folder
    }

    /// Why the cluster could not start, when it could not.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        /// True when the server binaries are missing (a skip); false for a real failure.
        public var binariesMissing: Bool
        public var description: String
    }

    /// Seconds the cluster took to start, for the note in the test log.
    nonisolated(unsafe) public private(set) static var startSeconds: Double = 0

    private static let started: Result<PostgresTestServer, Unavailable> = start()

    /// The server, started on first call. Skips the test (loudly) when the PostgreSQL binaries are
    /// absent, unless ETL_REQUIRE_POSTGRES=1 (set by `make test`, which installs them): then the
    /// test fails. Any other failure to start fails the test.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> PostgresTestServer {
        switch started {
        case .success(let server):
            return server
        case .failure(let problem):
            if problem.binariesMissing && ProcessInfo.processInfo.environment["ETL_REQUIRE_POSTGRES"] != "1" {
                FileHandle.standardError.write(Data("*** SKIPPING a PostgreSQL test: \(problem) ***\n".utf8))
                throw XCTSkip("PostgreSQL test skipped: \(problem)", file: file, line: line)
            }
            throw problem
        }
    }

    private static func start() -> Result<PostgresTestServer, Unavailable> {
        let script = TestPaths.source("Tests/Postgres/cluster.sh")
        let template = NSTemporaryDirectory() + "etl-pg-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = bytes.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            return .failure(Unavailable(binariesMissing: false, description: "mkdtemp failed for \(template)"))
        }
        let folder = String(cString: created)
        let began = Date()
        let outcome = runScript(script, ["start", folder, String(getpid())], outputFolder: folder + ".out")
        startSeconds = Date().timeIntervalSince(began)
        guard outcome.status == 0 else {
            // 69 (EX_UNAVAILABLE): the script found no initdb/pg_ctl.
            return .failure(Unavailable(binariesMissing: outcome.status == 69,
                                        description: "\(script) start failed (exit \(outcome.status)): \(outcome.stderr)"))
        }
        var environment: [String: String] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        FileHandle.standardError.write(Data(String(format: "PostgreSQL test cluster started in %.2f s (port %@, %@)\n",
                                                   startSeconds, environment["PGPORT"] ?? "?", folder).utf8))
        atexit {
            if case .success(let server) = PostgresTestServer.started {
                _ = PostgresTestServer.runScript(TestPaths.source("Tests/Postgres/cluster.sh"), ["stop", server.folder], outputFolder: server.folder + ".out")
            }
        }
        return .success(PostgresTestServer(environment: environment, folder: folder))
    }

    /// Restarts the server as after a crash (`pg_ctl restart -m immediate`): every connection is
    /// cut, transactions in flight are lost, the server recovers from its WAL and listens on the
    /// same socket and port again. The cluster runs with synchronous_commit off, so a commit made
    /// just before may be lost with it: run CHECKPOINT first to keep what the test set up.
    public func restartImmediately() throws {
        let outcome = Self.runScript(TestPaths.source("Tests/Postgres/cluster.sh"), ["restart", folder], outputFolder: folder + ".restart")
        guard outcome.status == 0 else {
            throw Unavailable(binariesMissing: false, description: "cluster.sh restart failed (exit \(outcome.status)): \(outcome.stderr)")
        }
    }

    /// Runs the cluster script with its output in files, by posix_spawn and waitpid: this runs
    /// inside a `static let` initializer and an exit handler, where Foundation's Process (which
    /// needs its own monitoring thread and run loop) hung.
    private static func runScript(_ script: String, _ arguments: [String], outputFolder: String) -> (status: Int32, stdout: String, stderr: String) {
        try? FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outputFolder) }
        let out = outputFolder + "/stdout", err = outputFolder + "/stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = (["/bin/bash", script] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        guard spawned == 0 else {
            return (status: -1, stdout: "", stderr: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return (status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
