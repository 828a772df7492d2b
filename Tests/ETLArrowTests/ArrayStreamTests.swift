import CETLPlugin
import ETLArrow
import XCTest

/// Yields `batches` batches of `rowsPerBatch` pattern rows, then fails or ends.
private final class PatternProducer: ArrowBatchProducer {
    let schema = everyTypeSchema
    let batches: Int
    let rowsPerBatch: Int
    let failure: String?
    private(set) var produced = 0

    init(batches: Int, rowsPerBatch: Int, failure: String? = nil) {
        self.batches = batches
        self.rowsPerBatch = rowsPerBatch
        self.failure = failure
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard produced < batches else {
            if let failure { throw ArrowError(.producerFailed, failure) }
            return false
        }
        let builder = RecordBatchBuilder(schema: schema, capacity: rowsPerBatch)
        let first = produced * rowsPerBatch
        do {
            for row in first..<(first + rowsPerBatch) { try appendPatternRow(row, to: builder) }
        } catch {
            throw error as! ArrowError
        }
        try builder.finish(into: out)
        produced += 1
        return true
    }
}

final class ArrayStreamTests: XCTestCase {
    func testExportedStreamImportsEveryBatchThenEnds() throws {
        var raw = ArrowArrayStream()
        ArrowStreamExport.export(PatternProducer(batches: 3, rowsPerBatch: 7), to: &raw)
        let stream = ImportedArrayStream(taking: &raw)
        XCTAssertNil(raw.release, "the stream was moved in")
        XCTAssertEqual(try stream.schema(), everyTypeSchema)
        var first = 0
        while let batch = try stream.next() {
            XCTAssertEqual(batch.rowCount, 7)
            assertPattern(batch, startingAt: first)
            first += 7
        }
        XCTAssertEqual(first, 21)
        XCTAssertNil(try stream.next(), "the end stays the end")
    }

    func testErrorMidStreamSurfacesGetLastErrorText() throws {
        var raw = ArrowArrayStream()
        let message = "source read failed at data.csv:20: connection reset by peer"
        ArrowStreamExport.export(PatternProducer(batches: 2, rowsPerBatch: 4, failure: message), to: &raw)
        let stream = ImportedArrayStream(taking: &raw)
        XCTAssertNotNil(try stream.next())
        XCTAssertNotNil(try stream.next())
        XCTAssertThrowsError(try stream.next()) { error in
            let arrowError = error as! ArrowError
            XCTAssertEqual(arrowError.kind, .producerFailed)
            XCTAssertEqual(arrowError.message, "the stream's get_next failed with error 5 (Input/output error): \(message)")
        }
    }

    func testProducerFailureKeepsItsStatusAcrossTheStream() throws {
        // A source that knows why it failed (credentials refused: ETL_INVALID_CONFIG) must not
        // reach the host as a bare EIO.
        final class Refused: ArrowBatchProducer {
            let schema = ArrowSchemaDescription(fields: [])
            func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
                throw ArrowError(producerStatus: ETL_INVALID_CONFIG, "GET https://api.example.com/tasks answered HTTP 401")
            }
        }
        var raw = ArrowArrayStream()
        ArrowStreamExport.export(Refused(), to: &raw)
        let stream = ImportedArrayStream(taking: &raw)
        XCTAssertThrowsError(try stream.next()) { error in
            let arrowError = error as! ArrowError
            XCTAssertEqual(arrowError.producerStatus, ETL_INVALID_CONFIG)
            XCTAssertEqual(arrowError.producerMessage, "GET https://api.example.com/tasks answered HTTP 401")
            XCTAssertEqual(arrowError.etlStatus, ETL_INVALID_CONFIG)
        }
        for status in [ETL_INVALID_CONFIG, ETL_IO_ERROR, ETL_BAD_DATA, ETL_RETRYABLE, ETL_UNSUPPORTED, ETL_INTERNAL, ETL_CANCELLED] {
            XCTAssertEqual(StreamFailureCode.status(for: StreamFailureCode.errno(for: status)), status)
        }
        XCTAssertEqual(StreamFailureCode.errno(for: nil), 5, "a failure without a status stays EIO, as before")
    }

    func testGetLastErrorIsNullUntilACallFails() throws {
        var raw = ArrowArrayStream()
        ArrowStreamExport.export(PatternProducer(batches: 0, rowsPerBatch: 1, failure: "boom"), to: &raw)
        defer { raw.release?(&raw) }
        XCTAssertNil(raw.get_last_error!(&raw))
        var array = ArrowArray()
        XCTAssertEqual(raw.get_next!(&raw, &array), 5)
        XCTAssertEqual(String(cString: raw.get_last_error!(&raw)!), "boom")
        var schema = ArrowSchema()
        XCTAssertEqual(raw.get_schema!(&raw, &schema), 0)
        schema.release?(&schema)
        XCTAssertNil(raw.get_last_error!(&raw), "a successful call clears the last error")
    }

    func testReleasingTheStreamFreesTheProducer() throws {
        weak var watched: PatternProducer?
        var raw = ArrowArrayStream()
        do {
            let producer = PatternProducer(batches: 1, rowsPerBatch: 2)
            watched = producer
            ArrowStreamExport.export(producer, to: &raw)
        }
        XCTAssertNotNil(watched, "the stream keeps its producer alive")
        var batch: ImportedRecordBatch?
        do {
            let stream = ImportedArrayStream(taking: &raw)
            batch = try stream.next()
        }
        XCTAssertNil(watched, "releasing the stream dropped the producer")
        XCTAssertEqual(batch?.rowCount, 2, "a batch outlives its stream")
    }

    func testBatchesOfAReleasedStreamAreRefused() {
        var released = ArrowArrayStream()
        let stream = ImportedArrayStream(taking: &released)
        XCTAssertThrowsError(try stream.next()) { error in
            XCTAssertTrue("\(error)".contains("already released"), "\(error)")
        }
    }
}
