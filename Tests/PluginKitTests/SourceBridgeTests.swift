import CETLPlugin
import ETLArrow
import ETLPluginKit
import XCTest

/// The kit's `etl_source_api`, driven as the runtime drives it.
final class SourceBridgeTests: XCTestCase {
    private var side: HostSide!

    override func setUpWithError() throws {
        TestHost.reset()
        let (status, library, error) = callEntry(host: TestHost.api.pointer, plugins: [.source(CountingSource.self)])
        XCTAssertEqual(status, ETL_OK, error.message)
        side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
    }

    /// Reads every batch of a stream, with the checkpoint taken after each.
    private func readAll(_ source: SourceHandle, state: String? = nil, batchSize: Int64) throws -> [(ids: [Int64], checkpoint: String?)] {
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        if let failure = source.read(stream: "numbers", state: state, batchSize: batchSize, into: stream) {
            throw failure
        }
        let imported = ImportedArrayStream(taking: stream)
        var batches: [(ids: [Int64], checkpoint: String?)] = []
        while let batch = try imported.next() {
            let column = batch.column(0)
            batches.append(((0..<batch.rowCount).map { column.int64($0) }, source.checkpoint()))
        }
        return batches
    }

    func testReadYieldsBatchesOfTheRequestedSizeWithMatchingCheckpoints() throws {
        let source = try side.createSource("counting", config: #"{"rows": 5}"#)
        let batches = try readAll(source, batchSize: 2)
        XCTAssertEqual(batches.map(\.ids), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(batches.map(\.checkpoint), [#"{"offset":2}"#, #"{"offset":4}"#, #"{"offset":5}"#])
        source.destroy()
    }

    func testReadResumesFromTheStateItIsGiven() throws {
        let source = try side.createSource("counting", config: #"{"rows": 5}"#)
        XCTAssertEqual(try readAll(source, state: #"{"offset":3}"#, batchSize: 10).map(\.ids), [[3, 4]])
        source.destroy()
    }

    func testReadOfAnUnknownStreamReturnsTheSourcesError() throws {
        let source = try side.createSource("counting", config: #"{"rows": 5}"#)
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        let failure = source.read(stream: "missing", batchSize: 10, into: stream)
        XCTAssertEqual(failure?.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure?.message, "no stream named 'missing'")
        source.destroy()
    }

    func testReadWithANonPositiveBatchSizeIsRefused() throws {
        let source = try side.createSource("counting", config: #"{"rows": 5}"#)
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        XCTAssertEqual(source.read(stream: "numbers", batchSize: 0, into: stream)?.message, "batch_size must be positive (got 0)")
        source.destroy()
    }

    func testCheckpointBeforeAnyReadIsNull() throws {
        let source = try side.createSource("counting", config: #"{"rows": 5}"#)
        XCTAssertNil(source.checkpoint())
        source.destroy()
    }

    func testDiscoverListsStreamsAsNamedStructsOfColumns() throws {
        let source = try side.createSource("counting", config: #"{"rows": 1}"#)
        let catalog = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        defer { catalog.deallocate() }
        XCTAssertEqual(source.discover(into: catalog), ETL_OK)
        XCTAssertEqual(String(cString: catalog.pointee.format), "+s")
        XCTAssertEqual(catalog.pointee.n_children, 2)
        let numbers = try XCTUnwrap(catalog.pointee.children[0])
        XCTAssertEqual(String(cString: numbers.pointee.name), "numbers")
        XCTAssertEqual(String(cString: numbers.pointee.format), "+s")
        XCTAssertEqual(try ArrowSchemaDescription(importing: numbers), CountingSource.columns)
        let flags = try XCTUnwrap(catalog.pointee.children[1])
        XCTAssertEqual(String(cString: flags.pointee.name), "flags")
        XCTAssertEqual(try ArrowSchemaDescription(importing: flags).fields, [ArrowField(name: "on", type: .bool)])
        catalog.pointee.release?(catalog)
        XCTAssertNil(catalog.pointee.release)
        source.destroy()
    }

    func testDiscoverCatalogAllowsMovingAStreamOutBeforeReleasingTheRoot() throws {
        let source = try side.createSource("counting", config: #"{"rows": 1}"#)
        let catalog = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        defer { catalog.deallocate() }
        XCTAssertEqual(source.discover(into: catalog), ETL_OK)
        let moved = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        defer { moved.deallocate() }
        let child = try XCTUnwrap(catalog.pointee.children[0])
        moved.initialize(to: child.pointee)
        child.pointee.release = nil
        catalog.pointee.release?(catalog)
        XCTAssertEqual(String(cString: moved.pointee.name), "numbers")
        XCTAssertEqual(try ArrowSchemaDescription(importing: moved), CountingSource.columns)
        moved.pointee.release?(moved)
        XCTAssertNil(moved.pointee.release)
        source.destroy()
    }

    func testHostReportsRejectsThroughTheInstanceHandle() throws {
        let host = PluginHost(api: TestHost.api.pointer, instance: TestHost.instanceHandle)
        host.reportReject(position: "data.csv:17", raw: "a,b,\u{0}c", reason: "column age: 'b' is not an integer")
        host.reportReject(position: "data.csv:18", raw: [UInt8](), reason: "empty row")
        XCTAssertEqual(TestHost.rejects.withLock { $0 }, [
            TestHost.Reject(position: "data.csv:17", raw: Array("a,b,\u{0}c".utf8), reason: "column age: 'b' is not an integer"),
            TestHost.Reject(position: "data.csv:18", raw: [], reason: "empty row"),
        ])
    }

    func testHostCancellationBecomesACancelledError() {
        let host = PluginHost(api: TestHost.api.pointer, instance: TestHost.instanceHandle)
        XCTAssertNoThrow(try host.throwIfCancelled("reading orders"))
        TestHost.cancelled.withLock { $0 = true }
        XCTAssertThrowsError(try host.throwIfCancelled("reading orders")) { error in
            XCTAssertEqual(error as? PluginError, .cancelled("reading orders stopped because the host asked to cancel the run"))
        }
    }
}
