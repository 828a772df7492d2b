import CETLPlugin
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The sink never fakes success: only the API's refusals of records are rejects; a server that
/// cannot be reached, keeps failing or refuses the credentials fails the write, so the host
/// commits nothing of the batch. Batched records go to the URL their own values render.
final class HTTPSinkDeliveryTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 5)
    }

    override func tearDown() {
        server = nil
    }

    /// A sink posting to `path` with no retries, tolerating 100 refused records.
    private func sink(path: String, extra: [String: Any] = [:]) throws -> SinkInstance {
        var config: [String: Any] = ["path": path, "retries": 0]
        for (key, value) in extra { config[key] = value }
        let sink = try HTTPTestPlugin.sink(server, config)
        try HTTPSinkFixture.begin(sink, options: #"{"max_rejects": 100}"#)
        return sink
    }

    func testBatchedRecordsGoToTheListTheirOwnValuesName() throws {
        let sink = try sink(path: "/bulk/list/{list_id}/task", extra: ["batch": 2, "body": ["name": "{name}"]])
        try sink.write(try HTTPSinkFixture.batch([(1, 7, "a"), (2, 8, "b"), (3, 7, "c"), (4, 8, "d"), (5, 7, "e")]))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 5)
        let writes = try server.writes().map { write in
            "\(write["path"] as? String ?? "?") " + ((write["body"] as? [[String: Any]]) ?? []).map { $0["name"] as? String ?? "?" }.joined(separator: ",")
        }
        // Each list's requests carry at most `batch` records, in the order they came.
        XCTAssertEqual(writes, ["/bulk/list/7/task a,c", "/bulk/list/8/task b,d", "/bulk/list/7/task e"])
    }

    func testServerErrorsAfterTheLastRetryFailTheWriteInsteadOfBecomingRejects() throws {
        for status in [500, 503, 429, 408] {
            let sink = try sink(path: "/status/\(status)/task")
            XCTAssertThrowsError(try sink.write(try HTTPSinkFixture.batch([(1, 7, "a"), (2, 7, "b")]))) { error in
                let failure = error as? PluginCallError
                XCTAssertEqual(failure?.status, ETL_IO_ERROR, "\(error)")
                let text = failure?.message ?? "\(error)"
                for fragment in ["\(server.baseURL)/status/\(status)/task", "HTTP \(status)", "after 1 attempt", "always \(status)",
                                 "nothing of this batch was committed"] {
                    XCTAssertTrue(text.contains(fragment), "missing \(fragment) in: \(text)")
                }
            }
            XCTAssertEqual(sink.context.takeRejects().count, 0, "HTTP \(status) says nothing about the records")
        }
        XCTAssertEqual(try server.writes().count, 4, "the first failure stops the batch")
    }

    func testConnectionRefusedFailsTheWriteNamingTheURLAndTheAttempts() throws {
        let sink = try HTTPTestPlugin.sink(server, ["base_url": "http://127.0.0.1:9", "path": "/list/{list_id}/task", "retries": 1,
                                                   "retry_base_seconds": 0.01, "connect_timeout_seconds": 2])
        try HTTPSinkFixture.begin(sink, options: #"{"max_rejects": 100}"#)
        XCTAssertThrowsError(try sink.write(try HTTPSinkFixture.batch([(1, 7, "a")]))) { error in
            let failure = error as? PluginCallError
            XCTAssertEqual(failure?.status, ETL_IO_ERROR, "\(error)")
            let text = failure?.message ?? ""
            XCTAssertTrue(text.contains("http://127.0.0.1:9/list/7/task failed after 2 attempts"), text)
            XCTAssertTrue(text.contains("nothing of this batch was committed"), text)
        }
        XCTAssertEqual(sink.context.takeRejects().count, 0)
    }

    func testRefusedCredentialsAreAConfigErrorNotRejects() throws {
        for status in [401, 403] {
            let sink = try sink(path: "/status/\(status)/task")
            XCTAssertThrowsError(try sink.write(try HTTPSinkFixture.batch([(1, 7, "a")]))) { error in
                XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
                XCTAssertTrue("\(error)".contains("config.auth"), "\(error)")
            }
            XCTAssertEqual(sink.context.takeRejects().count, 0)
        }
    }

    func testOtherClientErrorsAreRefusalsOfTheRecords() throws {
        let sink = try sink(path: "/status/404/task")
        try sink.write(try HTTPSinkFixture.batch([(1, 7, "a"), (2, 7, "b")]))
        let rejects = sink.context.takeRejects()
        XCTAssertEqual(rejects.map { String($0.reason.prefix(8)) }, ["HTTP 404", "HTTP 404"])
        XCTAssertEqual(try sink.commit(stateJSON: nil), 0)
    }

    func testWithoutAStateDirectoryTheSinkSaysItKeepsNoState() throws {
        let sink = try HTTPTestPlugin.sink(server, ["path": "/list/{list_id}/task"])
        XCTAssertThrowsError(try sink.readState(entryID: "history")) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_UNSUPPORTED, "\(error)")
            XCTAssertTrue("\(error)".contains("state database"), "\(error)")
        }
    }
}
