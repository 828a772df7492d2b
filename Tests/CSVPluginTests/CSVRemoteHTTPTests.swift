import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The csv source reading `http://` URLs (https is the same code over TLS) from a file server
/// on 127.0.0.1 with byte ranges: streamed reads, incremental resume by range, and auth.
final class CSVRemoteHTTPTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "name", "type": "text"], ["name": "n", "type": "int64"]]
    private static let tokenVariable = "ETL_CSV_REMOTE_TEST_TOKEN"

    override func tearDown() {
        unsetenv(Self.tokenVariable)
        super.tearDown()
    }

    private func logConfig(_ url: String, remote: [String: Any] = ["retries": 0]) -> [String: Any] {
        ["path": url, "header": false, "columns": columns, "last_line_quiet_seconds": 3600, "remote": remote]
    }

    private func incremental(_ url: String, state: String?, remote: [String: Any] = ["retries": 0]) throws -> CSVReadResult {
        try CSVTestSource.make(logConfig(url, remote: remote)).readAll(stream: "log", state: state, cursor: "$offset")
    }

    private func offset(in state: String) throws -> Int {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(object["files"] as? [[String: Any]])
        return try XCTUnwrap(entries.first?["offset"] as? Int)
    }

    func testRemoteCensusFileEqualsTheLocalReadRowForRow() throws {
        let server = try RangeFileServer(root: TestPaths.source("examples/data"))
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.source("examples/data/adult.names.json")))
        let declared = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var config: [String: Any] = ["header": false, "columns": declared, "null_values": ["?"], "trim": true]
        config["path"] = TestPaths.source("examples/data/adult.data")
        let local = try CSVTestSource.make(config).readAll(stream: "adult")
        config["path"] = server.baseURL + "/adult.data"
        let remote = try CSVTestSource.make(config).readAll(stream: "adult")
        XCTAssertEqual(remote.rows.count, 4000)
        XCTAssertEqual(remote.rows, local.rows)
        XCTAssertEqual(remote.rejects, [])
    }

    func testLargeRemoteFileStreamsEveryRowThroughTheBoundedBuffer() throws {
        // Larger than the reader's 4 MiB chunk plus the 1 MiB overflow, so the transfer pauses and resumes.
        let lines = (0..<700_000).map { "row\($0),\($0)\n" }.joined()
        try files.write("big.csv", lines)
        let server = try RangeFileServer(root: files.folder.path)
        let result = try CSVTestSource.make(logConfig(server.baseURL + "/big.csv")).readAll(stream: "big", batchSize: 100_000)
        XCTAssertEqual(result.rows.count, 700_000)
        XCTAssertEqual(result.rows.last, ["row699999", "699999"])
        XCTAssertEqual(result.rows[123_456], ["row123456", "123456"])
    }

    func testIncrementalReadAsksForTheRangeAfterTheSavedOffsetAndYieldsOnlyNewRows() throws {
        // 1,600 bytes: beyond the first bytes a read fetches whole, so resuming takes a range.
        try files.write("log.csv", (1000..<1200).map { "r\($0),1\n" }.joined())
        let server = try RangeFileServer(root: files.folder.path)
        let url = server.baseURL + "/log.csv"
        let first = try incremental(url, state: nil)
        XCTAssertEqual(first.rows.count, 200)
        let state = try XCTUnwrap(first.lastCheckpoint)
        XCTAssertEqual(try offset(in: state), 1600)
        try files.append("log.csv", "c,3\nd,4\n")
        let second = try incremental(url, state: state)
        XCTAssertEqual(second.rows, [["c", "3"], ["d", "4"]])
        XCTAssertEqual(try offset(in: try XCTUnwrap(second.lastCheckpoint)), 1608)
        let ranges = try server.requests().filter { $0["method"] as? String == "GET" }.compactMap { $0["range"] as? String }
        // From the 64 bytes before the saved offset, which check the file still holds them.
        XCTAssertEqual(ranges, ["bytes=1536-"], "GETs with ranges: \(ranges)")
    }

    func testTransferCutMidwayResumesWithARangeFromTheNextByte() throws {
        let lines = (0..<2000).map { "row\($0),\($0)\n" }.joined()
        try files.write("cut.csv", lines)
        let server = try RangeFileServer(root: files.folder.path, dropAfter: 5000)
        let remote: [String: Any] = ["retries": 2, "retry_base_seconds": 0.01]
        let result = try CSVTestSource.make(logConfig(server.baseURL + "/cut.csv", remote: remote)).readAll(stream: "cut")
        XCTAssertEqual(result.rows.count, 2000)
        XCTAssertEqual(result.rows.last, ["row1999", "1999"])
        let gets = try server.requests().filter { $0["method"] as? String == "GET" }
        XCTAssertEqual(gets.first?["status"] as? String, "dropped")
        XCTAssertEqual(gets.last?["range"] as? String, "bytes=5000-")
        XCTAssertEqual(gets.last?["status"] as? Int, 206)
    }

    func testServerIgnoringRangesFailsTheResumeWithTheStateResetHint() throws {
        // Beyond the first bytes a read fetches whole (a smaller file is read in one answer,
        // ranges or not): the resume needs a range.
        let rows = (0..<200).map { "name\($0),\($0)\n" }.joined()
        try files.write("log.csv", rows)
        let server = try RangeFileServer(root: files.folder.path, ignoreRange: true)
        let url = server.baseURL + "/log.csv"
        let state = try XCTUnwrap(try incremental(url, state: nil).lastCheckpoint)
        try files.append("log.csv", "late,99\n")
        assertPluginError("", ["/log.csv", "ignores byte ranges", "etl-runtime state reset test_entry"]) {
            _ = try self.incremental(url, state: state)
        }
    }

    func testFileThatShrankIsReadAgainFromItsFirstLine() throws {
        try files.write("log.csv", "a,1\nb,2\nc,3\n")
        let server = try RangeFileServer(root: files.folder.path)
        let url = server.baseURL + "/log.csv"
        let state = try XCTUnwrap(try incremental(url, state: nil).lastCheckpoint)
        try files.write("log.csv", "d,4\n")
        XCTAssertEqual(try incremental(url, state: state).rows, [["d", "4"]])
    }

    func testBearerTokenFromTheEnvironmentIsSentAndNeverShown() throws {
        let token = "s3cret-remote-token-7781"
        try files.write("log.csv", "a,1\n")
        let server = try RangeFileServer(root: files.folder.path, token: token)
        setenv(Self.tokenVariable, token, 1)
        let remote: [String: Any] = ["retries": 0, "auth": ["type": "bearer", "token_env": Self.tokenVariable]]
        let result = try incremental(server.baseURL + "/log.csv", state: nil, remote: remote)
        XCTAssertEqual(result.rows, [["a", "1"]])
        XCTAssertFalse(try XCTUnwrap(result.lastCheckpoint).contains(token))
        let requests = try server.requests()
        XCTAssertFalse(requests.isEmpty)
        XCTAssertTrue(requests.allSatisfy { $0["authorization"] as? Bool == true && $0["status"] as? Int != 401 }, "\(requests)")
    }

    func testWrongBearerTokenFailsAt401WithoutShowingTheToken() throws {
        let wrong = "wrong-remote-token-5512"
        try files.write("log.csv", "a,1\n")
        let server = try RangeFileServer(root: files.folder.path, token: "the-right-token-0000")
        setenv(Self.tokenVariable, wrong, 1)
        let remote: [String: Any] = ["retries": 0, "auth": ["type": "bearer", "token_env": Self.tokenVariable]]
        XCTAssertThrowsError(try incremental(server.baseURL + "/log.csv", state: nil, remote: remote)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("401"), text)
            XCTAssertTrue(text.contains("remote.auth"), text)
            XCTAssertFalse(text.contains(wrong), text)
        }
    }

    func testUnsetTokenVariableIsAConfigErrorNamingTheVariable() throws {
        let remote: [String: Any] = ["auth": ["type": "bearer", "token_env": Self.tokenVariable]]
        assertPluginError("invalid config", [Self.tokenVariable, "not set"]) {
            _ = try CSVTestSource.make(self.logConfig("http://127.0.0.1:9/log.csv", remote: remote))
        }
    }

    func testHTTPGlobIsRefusedBecauseHTTPCannotListFolders() throws {
        assertPluginError("invalid config", ["cannot list folders", "sftp://"]) {
            _ = try CSVTestSource.make(self.logConfig("http://127.0.0.1:9/data/*.csv"))
        }
    }

    func testCredentialsInTheURLAreRefusedAndNotEchoed() throws {
        XCTAssertThrowsError(try CSVTestSource.make(logConfig("http://user:hunter22pass@127.0.0.1:9/log.csv"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("must not carry a user name or password"), text)
            XCTAssertFalse(text.contains("hunter22pass"), text)
        }
    }

    func testConnectionRefusedIsRetriedThenNamesTheURL() throws {
        let remote: [String: Any] = ["retries": 1, "retry_base_seconds": 0.01]
        assertPluginError("", ["http://127.0.0.1:9/log.csv", "2 attempts"]) {
            _ = try CSVTestSource.make(self.logConfig("http://127.0.0.1:9/log.csv", remote: remote)).readAll(stream: "log")
        }
    }
}
