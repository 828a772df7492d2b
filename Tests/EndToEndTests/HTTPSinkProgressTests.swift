import Foundation
import TestSupport
import XCTest

/// An incremental entry into the http sink, run by the real binary against the mock API: the
/// sink's progress is the watermark in the state database, so a rerun sends only what is new,
/// and a run the API fails (unreachable, or 5xx after the last retry) fails without moving the
/// watermark or turning the records into rejects — the next run delivers them.
final class HTTPSinkProgressTests: XCTestCase {
    private var server: MockAPIServer!
    private var workspace: RunWorkspace!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 5)
        workspace = RunWorkspace()
        try write("id,list_id,name\n1,7,first\n2,8,second\n3,7,third\n")
    }

    private func write(_ text: String, append: Bool = false) throws {
        try workspace.textFile("finished.csv", text, append: append)
    }

    /// The finished tasks (csv, by byte offset) written back to their lists; `maxRejects` high,
    /// as a user tolerating a few refused records would set it.
    private func pipeline(baseURL: String? = nil, path: String = "/list/{list_id}/task") throws {
        try workspace.manifest(
            sources: #"{"finished": {"plugin": "csv", "config": {"path": "finished.csv", "stream": "finished", "columns": [{"name": "id", "type": "int64"}, {"name": "list_id", "type": "int64"}, {"name": "name", "type": "text"}]}}}"#,
            sinks: #"{"lists": {"plugin": "http", "config": {"base_url": "\#(baseURL ?? server.baseURL)", "path": "\#(path)", "retries": 0, "connect_timeout_seconds": 2}}}"#,
            entries: """
                [{"id": "write_back", "source": "finished", "stream": "finished", "sink": "lists", "target": "lists",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "max_rejects": 100}]
                """)
    }

    /// The names the API accepted, in order.
    private func delivered() throws -> [String] {
        try server.writes().compactMap { write in
            guard (write["path"] as? String)?.hasPrefix("/list/") == true else { return nil }
            return (write["body"] as? [String: Any])?["name"] as? String
        }
    }

    private func watermark() throws -> String {
        try workspace.stateQuery("SELECT watermark FROM etl_control WHERE id = 'write_back'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func run(expecting status: Int32) throws -> ProcessOutcome {
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, status, outcome.stderr)
        return outcome
    }

    func testARerunSendsOnlyTheRowsAddedSince() throws {
        try pipeline()
        _ = try run(expecting: 0)
        XCTAssertEqual(try delivered(), ["first", "second", "third"])

        let again = try run(expecting: 0)
        XCTAssertEqual(try delivered().count, 3, "nothing changed, nothing is sent")
        XCTAssertFalse(again.stderr.contains("reconciled"), again.stderr)

        try write("4,8,fourth\n5,7,fifth\n", append: true)
        _ = try run(expecting: 0)
        XCTAssertEqual(try delivered(), ["first", "second", "third", "fourth", "fifth"])

        let state = try workspace.run(["state", "show", "write_back"])
        XCTAssertEqual(state.status, 0, state.stderr)
        XCTAssertTrue(state.stdout.contains("\"offset\":68"), state.stdout)
        let status = try workspace.run(["status", "--json"])
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        XCTAssertTrue((entries.first?["watermark"] as? String)?.contains("\"offset\":68") == true, status.stdout)
    }

    func testStateRebuildSaysTheWatermarkOfASinkWithoutStateIsLost() throws {
        try pipeline()
        _ = try run(expecting: 0)
        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 1, rebuild.stderr)
        XCTAssertTrue(rebuild.stdout.contains(
            "write_back: could not read its sink's state (sink \"lists\" keeps no state of its own: this entry's watermark lived only in the old state database)"),
            rebuild.stdout)
    }

    func testServerErrorsAfterTheLastRetryFailTheRunAndTheNextRunDeliversEverything() throws {
        try assertFailedDeliveryIsRetriedNextRun(
            broken: { try self.pipeline(path: "/status/503/task") },
            expecting: ["/status/503/task still answered HTTP 503 after 1 attempt"])
    }

    func testAnUnreachableAPIFailsTheRunAndTheNextRunDeliversEverything() throws {
        try assertFailedDeliveryIsRetriedNextRun(
            broken: { try self.pipeline(baseURL: "http://127.0.0.1:9") },
            expecting: ["http://127.0.0.1:9/list/8/task failed after 1 attempt", "Couldn't connect to server"])
    }

    /// A first run delivers three rows; two more are added; a run against `broken` fails with
    /// `expecting` in its error, commits nothing and keeps no rejects; the repaired pipeline
    /// then delivers the two.
    private func assertFailedDeliveryIsRetriedNextRun(broken: () throws -> Void, expecting fragments: [String]) throws {
        try pipeline()
        _ = try run(expecting: 0)
        let before = try watermark()
        XCTAssertTrue(before.contains("\"offset\":47"), before)
        try write("4,8,fourth\n5,7,fifth\n", append: true)

        try broken()
        let failed = try run(expecting: 1)
        for fragment in fragments + ["nothing of this batch was committed", "status=failed"] {
            XCTAssertTrue(failed.stderr.contains(fragment), "missing \(fragment) in: \(failed.stderr)")
        }
        XCTAssertEqual(try watermark(), before, "the watermark stays where the last delivered batch left it")
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_rejects").trimmingCharacters(in: .whitespacesAndNewlines), "0")

        try pipeline()
        _ = try run(expecting: 0)
        XCTAssertEqual(try delivered(), ["first", "second", "third", "fourth", "fifth"])
    }
}
