import Foundation
import TestSupport
import XCTest

/// An OpenSSH server (`/usr/sbin/sshd`) on 127.0.0.1 for the sftp tests, with its own host key,
/// one authorised user key and every file in a temporary folder; stopped in `deinit`.
final class LocalSSHServer {
    /// The port it listens on.
    let port: Int
    /// The private key the server accepts.
    let userKeyPath: String
    /// A private key the server does not accept.
    let strangerKeyPath: String
    /// A known_hosts file listing the server's host key for `[127.0.0.1]:port`.
    let knownHostsPath: String
    /// A known_hosts file listing another key for the same address.
    let wrongKnownHostsPath: String
    /// The user the keys log in as (the one running the tests).
    let user: String
    private let folder: TemporaryDirectory
    private let process: Process

    /// Starts sshd, or throws `XCTSkip` saying why it cannot run here (no sshd, not root...).
    init() throws {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            throw XCTSkip("sftp tests need OpenSSH's server at \(sshd) (apt-get install openssh-server, listed in the Makefile's DEBIAN_PACKAGES)")
        }
        guard getuid() == 0 else {
            throw XCTSkip("sftp tests start sshd, which must run as root to log users in; run the tests as root to include them")
        }
        let folder = TemporaryDirectory("etl-sshd")
        for key in ["host_key", "user_key", "stranger_key", "other_host_key"] {
            let made = try ProcessRunner.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", folder.file(key)])
            guard made.status == 0 else { throw XCTSkip("ssh-keygen failed: \(made.stderr)") }
        }
        try FileManager.default.copyItem(atPath: folder.file("user_key.pub"), toPath: folder.file("authorized_keys"))
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try Self.freePort()
        let config = """
            ListenAddress 127.0.0.1
            HostKey \(folder.file("host_key"))
            PidFile \(folder.file("sshd.pid"))
            AuthorizedKeysFile \(folder.file("authorized_keys"))
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            Subsystem sftp internal-sftp

            """
        _ = try folder.write("sshd_config", config)
        let hostKey = try String(contentsOfFile: folder.file("host_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let otherKey = try String(contentsOfFile: folder.file("other_host_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        knownHostsPath = try folder.write("known_hosts", "[127.0.0.1]:\(port) \(hostKey)\n")
        wrongKnownHostsPath = try folder.write("wrong_known_hosts", "[127.0.0.1]:\(port) \(otherKey)\n")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: sshd)
        process.arguments = ["-D", "-e", "-f", folder.file("sshd_config"), "-p", String(port)]
        _ = FileManager.default.createFile(atPath: folder.file("sshd.log"), contents: nil)
        let log = try XCTUnwrap(FileHandle(forWritingAtPath: folder.file("sshd.log")))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                if process.isRunning { process.terminate() }
                let text = (try? String(contentsOfFile: folder.file("sshd.log"), encoding: .utf8)) ?? ""
                throw XCTSkip("sshd did not start on 127.0.0.1:\(port): \(text)")
            }
            usleep(20_000)
        }
        self.port = port
        self.folder = folder
        self.process = process
        userKeyPath = folder.file("user_key")
        strangerKeyPath = folder.file("stranger_key")
        user = String(cString: getpwuid(getuid()).pointee.pw_name)
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A port nobody listens on now (bound to 0, read back, released).
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw XCTSkip("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True once something accepts TCP connections on the port.
    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
