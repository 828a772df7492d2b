import Foundation
import TestSupport
import XCTest

/// Batches that break Arrow's rules in ways the host can see are refused, naming the plugin,
/// the column and the row, before any of their rows reach a sink.
final class BatchTrustTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUp() {
        workspace = RunWorkspace()
    }

    private let incremental = #", "write": "append", "cursor_field": "n", "batch_size": 10"#

    func testInvalidUTF8InATextColumnIsRefusedNamingColumnAndRow() throws {
        try workspace.lyingSource("liar", lie: "LIE_INVALID_UTF8_AT=13")
        try workspace.faultyPipeline(source: "liar", mode: "incremental", settings: incremental)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"source plugin "liar" returned a batch that breaks the Arrow C data interface, after 10 rows"#), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"column 1 ("word", utf8), row 2 of the batch: not valid UTF-8 (byte 0xFF at byte 2 of the value)"#), outcome.stderr)
        // The batch before it was committed; nothing of the refused one was.
        XCTAssertEqual(try workspace.warehouseRows("words"), 10)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM words WHERE NOT word GLOB 'w[0-9]*'"), "0\n")
    }

    func testDecreasingOffsetsAreRefusedNamingColumnAndRow() throws {
        try workspace.lyingSource("liar", lie: "LIE_DECREASING_OFFSET_AT=13")
        try workspace.faultyPipeline(source: "liar", mode: "full", settings: #", "batch_size": 10"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"source plugin "liar" returned a batch that breaks the Arrow C data interface, after 10 rows"#), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"column 1 ("word", utf8), row 2 of the batch: its offsets decrease (6 then 5)"#), outcome.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
    }

    func testABatchLongerThanTheBatchSizeIsRefused() throws {
        try workspace.lyingSource("liar", lie: "LIE_EXTRA_ROW")
        try workspace.faultyPipeline(source: "liar", mode: "incremental", settings: incremental)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(#"source plugin "liar" returned a batch of 11 rows, more than the batch_size of 10 the host asked for, as its first batch"#),
            outcome.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
    }
}
