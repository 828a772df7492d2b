import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The http source reports its progress (ABI 1.3 `report_progress`) in records against the total
/// the API announces at the stream's `total_path`; without one it reports nothing, and the run
/// shows no percentage.
final class HTTPProgressTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer()
    }

    override func tearDown() {
        server = nil
    }

    /// What the source had reported after each batch of a read of the "tasks" stream.
    private func reports(_ pagination: [String: Any], path: String, recordsPath: String) throws -> [SourceInputProgress?] {
        let source = try HTTPTestPlugin.source(server, stream: ["path": path, "records_path": recordsPath, "pagination": pagination,
                                                                "columns": HTTPTestPlugin.columns])
        let read = try source.read(ReadRequest(entryID: "http_test", stream: "tasks", batchSize: 40))
        var seen: [SourceInputProgress?] = []
        while try read.stream.next() != nil { seen.append(source.context.reportedProgress) }
        return seen
    }

    func testPagesWithATotalReportRecordsTakenOfIt() throws {
        let seen = try reports(["type": "page_number", "page_param": "page", "size_param": "per_page", "page_size": 40, "total_path": "$.total"],
                               path: "/page/tasks", recordsPath: "$.tasks")
        let done = seen.map { $0?.done ?? -1 }
        XCTAssertEqual(Set(seen.map { $0?.total }), [250], "\(seen)")
        XCTAssertEqual(done, done.sorted(), "\(done)")
        XCTAssertTrue(done.contains { $0 > 0 && $0 < 250 }, "\(done)")
        XCTAssertEqual(done.last, 250)
    }

    func testPagesWithoutATotalReportNothing() throws {
        let seen = try reports(["type": "page_number", "size_param": "per_page", "page_size": 50], path: "/page-nototal/tasks", recordsPath: "$.tasks")
        XCTAssertFalse(seen.isEmpty)
        XCTAssertEqual(seen.compactMap { $0 }, [])
    }
}
