import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The csv source reading `sftp://` URLs from an OpenSSH server the test starts on 127.0.0.1:
/// globs listed on the server, incremental resume by offset, and refused logins and host keys.
final class CSVRemoteSFTPTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "name", "type": "text"], ["name": "n", "type": "int64"]]
    private static let userVariable = "ETL_CSV_SFTP_TEST_USER"
    private var server: LocalSSHServer!

    override func setUpWithError() throws {
        server = try LocalSSHServer()
        setenv(Self.userVariable, server.user, 1)
    }

    override func tearDown() {
        unsetenv(Self.userVariable)
        server = nil
        super.tearDown()
    }

    private func url(_ name: String) -> String {
        "sftp://127.0.0.1:\(server.port)\(files.folder.path)/\(name)"
    }

    private func config(_ path: String, key: String? = nil, knownHosts: String? = nil) -> [String: Any] {
        let sftp: [String: Any] = ["username_env": Self.userVariable, "private_key_path": key ?? server.userKeyPath,
                                   "known_hosts_path": knownHosts ?? server.knownHostsPath]
        return ["path": path, "stream": "log", "header": false, "columns": columns, "last_line_quiet_seconds": 3600,
                "remote": ["sftp": sftp, "retries": 0]]
    }

    private func incremental(_ path: String, state: String?) throws -> CSVReadResult {
        try CSVTestSource.make(config(path)).readAll(stream: "log", state: state, cursor: "$offset")
    }

    func testGlobListsTheRemoteFolderAndReadsMatchesInLexicalOrder() throws {
        try files.write("b.csv", "b,2\n")
        try files.write("a.csv", "a,1\n")
        try files.write("c.txt", "not,0\n")
        try files.write("a10.csv", "a10,10\n")
        let result = try CSVTestSource.make(config(url("*.csv"))).readAll(stream: "log")
        XCTAssertEqual(result.rows, [["a", "1"], ["a10", "10"], ["b", "2"]])
    }

    func testSingleFileEqualsTheLocalRead() throws {
        let rows = (0..<5000).map { "name\($0),\($0)\n" }.joined()
        let path = try files.write("one.csv", rows)
        var local = config(path)
        local.removeValue(forKey: "remote")
        let expected = try CSVTestSource.make(local).readAll(stream: "log").rows
        XCTAssertEqual(try CSVTestSource.make(config(url("one.csv"))).readAll(stream: "log").rows, expected)
    }

    func testIncrementalReadResumesAtTheSavedOffsetAndPicksUpNewFiles() throws {
        try files.write("a.csv", "a,1\nb,2\n")
        let first = try incremental(url("*.csv"), state: nil)
        XCTAssertEqual(first.rows, [["a", "1"], ["b", "2"]])
        let state = try XCTUnwrap(first.lastCheckpoint)
        XCTAssertTrue(state.contains("\"offset\":8"), state)
        try files.append("a.csv", "c,3\n")
        try files.write("b.csv", "d,4\n")
        let second = try incremental(url("*.csv"), state: state)
        XCTAssertEqual(second.rows, [["c", "3"], ["d", "4"]])
        let third = try incremental(url("*.csv"), state: try XCTUnwrap(second.lastCheckpoint))
        XCTAssertEqual(third.rows, [])
    }

    func testFileThatShrankIsReadAgainFromItsFirstLine() throws {
        try files.write("a.csv", "a,1\nb,2\nc,3\n")
        let state = try XCTUnwrap(try incremental(url("a.csv"), state: nil).lastCheckpoint)
        try files.write("a.csv", "d,4\n")
        XCTAssertEqual(try incremental(url("a.csv"), state: state).rows, [["d", "4"]])
    }

    func testKeyTheServerDoesNotAcceptIsAClearLoginError() throws {
        try files.write("a.csv", "a,1\n")
        assertPluginError("", ["sftp://127.0.0.1:\(server.port)", "refused the login", "remote.sftp"]) {
            _ = try CSVTestSource.make(self.config(self.url("*.csv"), key: self.server.strangerKeyPath)).readAll(stream: "log")
        }
    }

    func testHostKeyMissingFromKnownHostsIsRefused() throws {
        try files.write("a.csv", "a,1\n")
        XCTAssertThrowsError(try CSVTestSource.make(config(url("a.csv"), knownHosts: server.wrongKnownHostsPath)).readAll(stream: "log")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("sftp://127.0.0.1:\(self.server.port)"), text)
            XCTAssertTrue(text.contains("could not be verified") && text.contains("known_hosts_path"), text)
        }
    }

    func testSFTPWithoutAHostKeyCheckIsRefusedUnlessExplicitlyInsecure() throws {
        var settings = config(url("a.csv"))
        settings["remote"] = ["sftp": ["username_env": Self.userVariable, "private_key_path": server.userKeyPath]]
        assertPluginError("invalid config", ["known_hosts_path", "insecure_skip_host_key_check"]) {
            _ = try CSVTestSource.make(settings)
        }
        try files.write("a.csv", "a,1\n")
        settings["remote"] = ["sftp": ["username_env": Self.userVariable, "private_key_path": server.userKeyPath,
                                       "insecure_skip_host_key_check": true]]
        XCTAssertEqual(try CSVTestSource.make(settings).readAll(stream: "log").rows, [["a", "1"]])
    }
}
