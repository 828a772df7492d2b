import ETLRuntimeCore
import XCTest

/// The `postgres` source reports its progress (ABI 1.3 `report_progress`) in rows: those the
/// read has taken from its COPY, against the planner's estimate of the read's rows. An estimate
/// the rows outgrow stops being claimed, and the end of the read is 100 %.
final class PostgresSourceProgressTests: PostgresSourceTestCase {
    /// Reads `stream` to its end; the progress the source reported after each batch, and after
    /// the call that found the end when that changed it (a last batch that filled up ends the
    /// read only on the next call).
    private func progressOfRead(_ source: SourceInstance, stream: String, cursor: String? = nil, state: String? = nil,
                                batchSize: Int, maxRecords: Int = 0) throws -> [SourceInputProgress] {
        let read = try source.read(ReadRequest(entryID: "entry", stream: stream, stateJSON: state, cursorField: cursor,
                                               batchSize: Int64(batchSize), maxRecords: Int64(maxRecords)))
        var reports: [SourceInputProgress] = []
        while try read.stream.next() != nil {
            reports.append(try XCTUnwrap(source.context.reportedProgress))
        }
        if let last = source.context.reportedProgress, last != reports.last { reports.append(last) }
        return reports
    }

    func testAnAnalyzedTableReportsRowsReadOfItsRowCount() throws {
        try execute("CREATE TABLE events AS SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 20000) g; ANALYZE events")
        let reports = try progressOfRead(try makeSource(#", "table": "events""#), stream: "events", batchSize: 5_000)
        XCTAssertEqual(reports, [5_000, 10_000, 15_000, 20_000].map { SourceInputProgress(done: $0, total: 20_000) })
        XCTAssertEqual(reports.map(\.percent), [25, 50, 75, 100])
    }

    func testAnIncrementalReadIsMeasuredAgainstTheRowsAfterTheWatermark() throws {
        try execute("CREATE TABLE events AS SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 20000) g; ANALYZE events")
        let reports = try progressOfRead(try makeSource(#", "table": "events""#), stream: "events", cursor: "id",
                                         state: #"{"cursor_field": "id", "cursor": 16000}"#, batchSize: 1_000)
        // 16000 itself is read again: an unkeyed state that lists no rows at its cursor skips none.
        XCTAssertEqual(reports.last, SourceInputProgress(done: 4_001, total: 4_001))
        // The planner's figure for `id >= 16000`, from the column's histogram: near 4,000, far from 20,000.
        let estimate = try XCTUnwrap(reports.first?.total)
        XCTAssertTrue((3_000...5_000).contains(estimate), "estimated \(estimate) rows after the watermark")
    }

    func testRowsBeyondALowEstimateShowNoTotalUntilTheReadEnds() throws {
        try execute("CREATE TABLE events AS SELECT g AS id FROM generate_series(1, 20000) g; ANALYZE events")
        // The planner cannot see through `id % 2 = 0` and guesses 0.5 % of the rows (100) for 10,000.
        let source = try makeSource(#", "query": "SELECT id FROM events WHERE id % 2 = 0", "stream": "evens""#)
        let reports = try progressOfRead(source, stream: "evens", batchSize: 2_500)
        XCTAssertEqual(reports.map(\.done), [2_500, 5_000, 7_500, 10_000, 10_000])
        XCTAssertEqual(reports.dropLast().map(\.total), [nil, nil, nil, nil], "a total the rows outgrew is not claimed")
        XCTAssertEqual(reports.dropLast().map(\.percent), [nil, nil, nil, nil])
        XCTAssertEqual(reports.last, SourceInputProgress(done: 10_000, total: 10_000))
    }

    func testMaxRecordsCapsTheExpectedRows() throws {
        try execute("CREATE TABLE events AS SELECT g AS id FROM generate_series(1, 20000) g; ANALYZE events")
        let reports = try progressOfRead(try makeSource(#", "table": "events""#), stream: "events", batchSize: 1_000, maxRecords: 3_000)
        XCTAssertEqual(reports, [1_000, 2_000, 3_000].map { SourceInputProgress(done: $0, total: 3_000) })
    }
}
