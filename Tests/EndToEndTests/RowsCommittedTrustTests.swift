import Foundation
import TestSupport
import XCTest

/// A sink's `out_rows_committed` is checked against the rows the host sent in the load: a sink
/// that claims more (or, for append and replace, another number) fails its entry. The count
/// comes back from `commit`, once the sink has committed: the load stands, the run is failed.
final class RowsCommittedTrustTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        try workspace.lyingSource("words")
        try workspace.lyingSink("overcount", lie: "LIE_EXTRA_ROWS=4945")
    }

    func testAFullLoadFailsWhenTheSinkOvercountsItsCommittedRows() throws {
        try workspace.faultyPipeline(source: "words", sink: "overcount", mode: "full", settings: #", "batch_size": 100"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let expected = #"sink plugin "overcount" reported 4995 rows committed for a load of 50 rows (write mode replace: expected 50)"#
        XCTAssertTrue(outcome.stderr.contains(expected), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=words status=failed read=50 written=50"), outcome.stderr)
        XCTAssertTrue(try workspace.lastRunError("words").contains(expected))
        XCTAssertEqual(try workspace.stateQuery("SELECT rows_written FROM etl_runs"), "50\n")
    }

    func testAnIncrementalLoadStopsAtTheFirstBatchWhoseCountIsWrong() throws {
        try workspace.faultyPipeline(
            source: "words", sink: "overcount", mode: "incremental",
            settings: #", "write": "append", "cursor_field": "n", "batch_size": 10"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(#"sink plugin "overcount" reported 4955 rows committed for a load of 10 rows (write mode append: expected 10)"#),
            outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=words status=failed read=10 written=10"), outcome.stderr)
        // The sink committed that batch with its state before it reported the count: the
        // control table follows what the sink holds, and the next run resumes after it.
        XCTAssertEqual(try workspace.stateQuery("SELECT watermark FROM etl_control"), "{\"next\": 11}\n")
    }

    /// A merge may commit fewer rows than it was sent (keys repeated in a load collapse), never more.
    func testAMergeMayCommitFewerRowsThanSentButNeverMore() throws {
        try workspace.lyingSink("undercount", lie: "LIE_EXTRA_ROWS=-10")
        let merge = #", "write": "merge", "primary_key": ["n"], "batch_size": 100"#
        try workspace.faultyPipeline(source: "words", sink: "undercount", mode: "full", settings: merge)
        let fewer = try workspace.run(["run"])
        XCTAssertEqual(fewer.status, 0, fewer.stderr)
        XCTAssertTrue(fewer.stderr.contains("summary entry=words status=ok read=50 written=40"), fewer.stderr)

        try workspace.faultyPipeline(source: "words", sink: "overcount", mode: "full", settings: merge)
        let more = try workspace.run(["run"])
        XCTAssertEqual(more.status, 1, more.stderr)
        XCTAssertTrue(
            more.stderr.contains(#"sink plugin "overcount" reported 4995 rows committed for a load of 50 rows (write mode merge: expected 0 to 50)"#),
            more.stderr)
    }

    func testAnAppendMustCommitEveryRowItWasSent() throws {
        try workspace.lyingSink("undercount", lie: "LIE_EXTRA_ROWS=-10")
        try workspace.faultyPipeline(source: "words", sink: "undercount", mode: "full", settings: #", "write": "append", "batch_size": 100"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains(#"sink plugin "undercount" reported 40 rows committed for a load of 50 rows (write mode append: expected 50)"#),
            outcome.stderr)
    }

    func testASinkThatCountsTruthfullyPasses() throws {
        try workspace.lyingSink("keeper")
        try workspace.faultyPipeline(source: "words", sink: "keeper", mode: "full", settings: #", "batch_size": 10"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=words status=ok read=50 written=50"), outcome.stderr)
    }
}
