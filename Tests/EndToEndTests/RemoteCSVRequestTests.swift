import Foundation
import TestSupport
import XCTest

/// `etl-runtime run` of an incremental entry reading a csv file over http: every run makes one
/// request; after the first, a ranged one, and the server sends the 64 bytes that check the
/// saved position plus whatever was appended — not the file again.
final class RemoteCSVRequestTests: XCTestCase {
    private let workspace = RunWorkspace()
    private var server: RangeFileServer!
    private var logPath: String { workspace.folder.file("served/log.csv") }

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: workspace.folder.file("served"), withIntermediateDirectories: true)
        // 20,000 rows under a header: 277,787 bytes.
        try ("name,n\n" + (0..<20000).map { "row\($0),\($0)\n" }.joined()).write(toFile: logPath, atomically: false, encoding: .utf8)
        server = try RangeFileServer(root: workspace.folder.file("served"))
        try workspace.manifest(
            sources: #"{"remote_log": {"plugin": "csv", "config": {"path": "\#(server.baseURL)/log.csv", "stream": "log", "columns": [{"name": "name", "type": "text"}, {"name": "n", "type": "int64"}], "remote": {"retries": 0}}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "remote_log", "source": "remote_log", "stream": "log", "sink": "files", "target": "log",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
    }

    /// Runs the entry; returns the requests the server logged meanwhile ("METHOD range status bytes").
    private func runLogged() throws -> [String] {
        let before = try server.requests().count
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try server.requests().dropFirst(before).map { request in
            "\(request["method"] as? String ?? "?") \(request["range"] as? String ?? "-") \(request["status"] ?? "?") \(request["bytes"] ?? "?")"
        }
    }

    func testEachRunIsOneRequestAndAfterTheFirstARangedOneForWhatIsNew() throws {
        XCTAssertEqual(try runLogged(), ["GET - 200 277787"], "the first run streams the file once, header and all")
        XCTAssertEqual(try workspace.jsonl("log").count, 20000)

        XCTAssertEqual(try runLogged(), ["GET bytes=277723- 206 64"], "nothing new: the 64 bytes that check the saved position")

        // A 370-byte increment.
        let appended = (100..<137).map { "late\($0),0\n" }.joined()
        XCTAssertEqual(appended.utf8.count, 370)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: logPath))
        handle.seekToEndOfFile()
        handle.write(Data(appended.utf8))
        try handle.close()
        XCTAssertEqual(try runLogged(), ["GET bytes=277723- 206 434"])
        XCTAssertEqual(try workspace.jsonl("log").count, 20037)
    }
}
