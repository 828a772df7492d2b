import Foundation
import TestSupport
import XCTest

/// A source's checkpoint is the resume state committed with each batch: in an incremental load
/// the host refuses to commit a batch without one (or with one that is not JSON), since the
/// next run would start from nothing and load every row again.
final class CheckpointTrustTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUp() {
        workspace = RunWorkspace()
    }

    private let incremental = #", "write": "append", "cursor_field": "n", "batch_size": 10"#

    func testAnIncrementalEntryFailsWhenTheSourceGivesNoCheckpointAndCommitsNothingOfThatBatch() throws {
        try workspace.lyingSource("liar", lie: "LIE_NO_CHECKPOINT")
        try workspace.faultyPipeline(source: "liar", mode: "incremental", settings: incremental)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=words status=failed read=0 written=0"), outcome.stderr)
        let expected = #"source plugin "liar" returned no checkpoint after a batch of 10 rows; an incremental load cannot resume without one, so nothing of that batch was committed"#
        XCTAssertTrue(outcome.stderr.contains(expected), outcome.stderr)
        XCTAssertTrue(try workspace.lastRunError("words").contains(expected))
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
        XCTAssertEqual(try workspace.stateQuery("SELECT coalesce(watermark, 'none') FROM etl_control"), "none\n")
    }

    func testAFullEntryNeedsNoCheckpoint() throws {
        try workspace.lyingSource("liar", lie: "LIE_NO_CHECKPOINT")
        try workspace.faultyPipeline(source: "liar", mode: "full", settings: #", "batch_size": 10"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 50)
    }

    func testAnIncrementalEntryFailsWhenTheCheckpointIsNotJSON() throws {
        try workspace.lyingSource("liar", lie: "LIE_UNPARSABLE_CHECKPOINT")
        try workspace.faultyPipeline(source: "liar", mode: "incremental", settings: incremental)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(#"source plugin "liar" returned a checkpoint that is not JSON after a batch of 10 rows"#),
            outcome.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
        XCTAssertEqual(try workspace.stateQuery("SELECT coalesce(watermark, 'none') FROM etl_control"), "none\n")
    }

    func testAFullEntryRefusesACheckpointThatIsNotJSONToo() throws {
        try workspace.lyingSource("liar", lie: "LIE_UNPARSABLE_CHECKPOINT")
        try workspace.faultyPipeline(source: "liar", mode: "full", settings: #", "batch_size": 10"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(#"source plugin "liar" returned a checkpoint that is not JSON at the end of its stream"#),
            outcome.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
    }

    /// The JSON null is a state like any other: stored as the text `null` and handed back as
    /// that text (the fixture refuses any other state), never confused with "no checkpoint".
    func testTheJSONNullIsAStateLikeAnyOther() throws {
        try workspace.lyingSource("nullish", lie: "LIE_JSON_NULL_CHECKPOINT")
        try workspace.faultyPipeline(source: "nullish", mode: "incremental", settings: incremental)
        for _ in 0..<2 {
            let outcome = try workspace.run(["run"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("summary entry=words status=ok read=50 written=50"), outcome.stderr)
        }
        XCTAssertEqual(try workspace.stateQuery("SELECT watermark FROM etl_control"), "null\n")
    }
}
