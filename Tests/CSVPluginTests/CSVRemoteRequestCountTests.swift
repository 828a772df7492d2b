import Foundation
import TestSupport
import XCTest

/// An incremental read of a growing csv file over http costs one ranged request per run: from
/// the 64 bytes before the saved offset (which check that the file still holds what was read)
/// to the end. Its answer gives the size (no HEAD), the header comes from the resume state (no
/// read of line 1), and the new state's fingerprint from the bytes just read.
final class CSVRemoteRequestCountTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "name", "type": "text"], ["name": "n", "type": "int64"]]
    /// A header line and 20,000 rows: 277,787 bytes.
    private static let log = "name,n\n" + (0..<20000).map { "row\($0),\($0)\n" }.joined()
    private static let size = 277_787

    private func incremental(_ url: String, state: String?) throws -> CSVReadResult {
        let config: [String: Any] = ["path": url, "header": true, "columns": columns, "last_line_quiet_seconds": 3600,
                                     "remote": ["retries": 0]]
        return try CSVTestSource.make(config).readAll(stream: "log", state: state, cursor: "$offset")
    }

    /// The requests logged since `start`, each as "METHOD range status bytes".
    private func requests(_ server: RangeFileServer, from start: Int) throws -> [String] {
        try server.requests().dropFirst(start).map { request in
            "\(request["method"] as? String ?? "?") \(request["range"] as? String ?? "-") \(request["status"] ?? "?") \(request["bytes"] ?? "?")"
        }
    }

    /// A first read of the whole log; the server and the state it left.
    private func readOnce() throws -> (server: RangeFileServer, url: String, state: String, logged: Int) {
        try files.write("log.csv", Self.log)
        let server = try RangeFileServer(root: files.folder.path)
        let url = server.baseURL + "/log.csv"
        let first = try incremental(url, state: nil)
        XCTAssertEqual(first.rows.count, 20000)
        // The header's reader stops in the first bytes, which the records' reader takes up.
        XCTAssertEqual(try requests(server, from: 0), ["GET - 200 \(Self.size)"])
        return (server, url, try XCTUnwrap(first.lastCheckpoint), try server.requests().count)
    }

    func testARunWithNothingNewIsOneRequestForTheSixtyFourBytesBeforeTheSavedOffset() throws {
        let (server, url, state, logged) = try readOnce()
        let again = try incremental(url, state: state)
        XCTAssertEqual(again.rows.count, 0)
        XCTAssertEqual(try requests(server, from: logged), ["GET bytes=\(Self.size - 64)- 206 64"])
    }

    func testARunAfterAnAppendIsOneRequestFromTheSavedOffsetOn() throws {
        let (server, url, state, logged) = try readOnce()
        try files.append("log.csv", "late,1\nlater,2\n")
        let grown = try incremental(url, state: state)
        XCTAssertEqual(grown.rows, [["late", "1"], ["later", "2"]])
        XCTAssertEqual(try requests(server, from: logged), ["GET bytes=\(Self.size - 64)- 206 \(64 + 15)"])
        let next = try XCTUnwrap(grown.lastCheckpoint)
        XCTAssertTrue(next.contains("\"offset\":\(Self.size + 15)"), next)
        XCTAssertTrue(next.contains("\"header\":[\"name\",\"n\"]"), next)

        // The state the one request built resumes exactly: nothing new, nothing read.
        let count = try server.requests().count
        XCTAssertEqual(try incremental(url, state: next).rows.count, 0)
        XCTAssertEqual(try requests(server, from: count), ["GET bytes=\(Self.size + 15 - 64)- 206 64"])
    }

    func testAFileRewrittenBeforeTheSavedOffsetIsReadAgainFromItsFirstLine() throws {
        let (server, url, state, _) = try readOnce()
        defer { withExtendedLifetime(server) {} }
        try files.write("log.csv", "name,n\n" + (0..<20001).map { "new\($0),\($0)\n" }.joined())
        let again = try incremental(url, state: state)
        XCTAssertEqual(again.rows.count, 20001)
        XCTAssertEqual(again.rows.first, ["new0", "0"])
    }

    func testAFileNowShorterThanTheSavedOffsetIsReadAgainFromItsFirstLine() throws {
        let (server, url, state, logged) = try readOnce()
        try files.write("log.csv", "name,n\nfresh,1\n")
        XCTAssertEqual(try incremental(url, state: state).rows, [["fresh", "1"]])
        // The range is refused (416), so the size is asked for, and the file read from its start.
        let asked = try requests(server, from: logged)
        XCTAssertEqual(asked.first, "GET bytes=\(Self.size - 64)- 416 22")
        XCTAssertEqual(asked.last, "GET - 200 15")
    }
}
