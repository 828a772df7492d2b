import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The source fetches the next pages while the reader still holds the current batch, a
/// bounded number of pages ahead, and lets go of them when the read is released.
final class HTTPPrefetchTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 200)
    }

    override func tearDown() {
        server = nil
    }

    private func source(concurrency: Int = 1) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: [
            "path": "/page/tasks", "records_path": "$.tasks",
            "columns": [["name": "id", "type": "int64"]],
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 20, "total_path": "$.total"],
        ], extra: ["max_concurrency": concurrency])
    }

    private func request(batchSize: Int = 20) -> ReadRequest {
        ReadRequest(entryID: "http_test", stream: "tasks", stateJSON: nil, cursorField: nil, initialValueJSON: nil,
                    batchSize: Int64(batchSize), maxBatchBytes: 0, maxRecords: 0, optionsJSON: nil)
    }

    func testPagesAfterTheCurrentBatchAreFetchedAheadButOnlyAFew() throws {
        let source = try source()
        let read = try source.read(request())
        XCTAssertEqual(try read.stream.next()?.rowCount, 20)
        // While the reader holds batch 1, pages 2 and 3 are fetched and wait; no more.
        try waitUntil("pages fetched ahead") { try requestCount(self.server, prefix: "/page/tasks") >= 3 }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 3, "the fetch thread must stay a bounded number of pages ahead")
        var ids = 20
        while let batch = try read.stream.next() { ids += batch.rowCount }
        XCTAssertEqual(ids, 200)
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 10)
    }

    func testAReadReleasedMidwayStopsFetching() throws {
        let source = try source()
        do {
            let read = try source.read(request())
            XCTAssertNotNil(try read.stream.next())
        }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertLessThanOrEqual(try requestCount(server, prefix: "/page/tasks"), 3)
        // The instance's client is free again: a new read of the same instance reads everything.
        XCTAssertEqual(try source.readAll(stream: "tasks").ids, Array(1...200))
    }

    func testConcurrentPagesStillComeInOrder() throws {
        XCTAssertEqual(try source(concurrency: 4).readAll(stream: "tasks", batchSize: 30).ids, Array(1...200))
    }
}
