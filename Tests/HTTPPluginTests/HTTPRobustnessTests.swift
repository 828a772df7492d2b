import ETLRuntimeCore
import TestSupport
import XCTest

/// Retries, Retry-After, timeouts and the failures that must not be retried.
final class HTTPRobustnessTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 20)
    }

    override func tearDown() {
        server = nil
    }

    private func source(_ path: String, extra: [String: Any] = [:]) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: ["path": path, "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
                                                   "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50]],
                                  extra: extra)
    }

    private func elapsed(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    func testServerErrorsAreRetriedUntilSuccess() throws {
        let result = try source("/flaky/tasks").readAll()
        XCTAssertEqual(result.ids, Array(1...20))
        XCTAssertEqual(try requestCount(server, prefix: "/flaky/tasks"), 3)
    }

    func testServerErrorsFailAfterTheLastAttemptNamingTheAttempts() throws {
        let source = try source("/flaky/tasks", extra: ["retries": 1])
        assertFails(["/flaky/tasks", "HTTP 500", "after 2 attempts"]) { _ = try source.readAll() }
        XCTAssertEqual(try requestCount(server, prefix: "/flaky/tasks"), 2)
    }

    func testTooManyRequestsWaitsForRetryAfterSeconds() throws {
        var result: HTTPReadResult?
        let seconds = try elapsed { result = try source("/ratelimited/tasks").readAll() }
        XCTAssertEqual(result?.ids, Array(1...20))
        XCTAssertGreaterThanOrEqual(seconds, 0.9)
        XCTAssertEqual(try requestCount(server, prefix: "/ratelimited/tasks"), 2)
    }

    func testTooManyRequestsWaitsForRetryAfterHTTPDate() throws {
        var result: HTTPReadResult?
        let seconds = try elapsed { result = try source("/ratelimited-date/tasks").readAll() }
        XCTAssertEqual(result?.ids, Array(1...20))
        XCTAssertGreaterThanOrEqual(seconds, 0.5)
        XCTAssertEqual(try requestCount(server, prefix: "/ratelimited-date/tasks"), 2)
    }

    func testSlowEndpointTimesOutAfterTheConfiguredAttempts() throws {
        let source = try HTTPTestPlugin.source(server, stream: ["path": "/slow/tasks", "query": ["delay": 2], "records_path": "$.tasks",
                                                                "columns": HTTPTestPlugin.columns],
                                               extra: ["timeout_seconds": 0.4, "retries": 1])
        let seconds = elapsed {
            assertFails(["/slow/tasks", "after 2 attempts", "Timeout"]) { _ = try source.readAll() }
        }
        XCTAssertLessThan(seconds, 2.0)
    }

    func testMalformedJSONNamesTheURLAndTheByteOffset() throws {
        let source = try source("/malformed/tasks")
        assertFails(["GET http://127.0.0.1", "/malformed/tasks", "malformed JSON at byte offset 20"]) { _ = try source.readAll() }
    }

    func testUnauthorizedFailsAtOnceWithoutRetry() throws {
        let source = try source("/secure/tasks")
        assertFails(["HTTP 401", "not retried", "config.auth"]) { _ = try source.readAll() }
        XCTAssertEqual(try requestCount(server, prefix: "/secure/tasks"), 1)
    }

    func testNotFoundFailsAtOnceNamingThePath() throws {
        let source = try source("/notfound")
        assertFails(["HTTP 404", "/notfound", "not retried"]) { _ = try source.readAll() }
        XCTAssertEqual(try requestCount(server, prefix: "/notfound"), 1)
    }

    func testConnectionRefusedNamesTheURLAndAttempts() throws {
        let config = try HTTPTestPlugin.json(["base_url": "http://127.0.0.1:9", "retries": 1, "retry_base_seconds": 0.01,
                                              "streams": ["tasks": ["path": "/tasks", "columns": HTTPTestPlugin.columns]]])
        let source = try SourceInstance(plugin: try HTTPTestPlugin.plugin(sink: false), configJSON: config, entryID: "refused")
        assertFails(["http://127.0.0.1:9/tasks", "after 2 attempts"]) { _ = try source.readAll() }
    }

    func testRateLimitSpacesRequests() throws {
        let source = try HTTPTestPlugin.source(server, stream: ["path": "/page/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
                                                                "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 5]],
                                               extra: ["rate_limit_per_second": 10])
        // 5 requests (4 full pages, then an empty one): the first is free, the other 4 wait 0.1 s each.
        let seconds = try elapsed { XCTAssertEqual(try source.readAll().ids, Array(1...20)) }
        XCTAssertGreaterThanOrEqual(seconds, 0.35)
    }
}
