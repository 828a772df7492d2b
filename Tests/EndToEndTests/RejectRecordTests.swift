import Foundation
import TestSupport
import XCTest

/// A run that fails because of rejected rows leaves those rows in `etl_rejects`, with their
/// position and reason, so the error's advice ("see the rows with ...") finds them; a batch
/// retried by later runs does not record the same rejects again.
final class RejectRecordTests: XCTestCase {
    /// in.csv: a header and five rows, two of which have a non-integer id (lines 3 and 5).
    private func pipeline(mode: String, maxRejects: Int) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("in.csv", "id,name\n1,a\nx,b\n3,c\ny,d\n5,e\n")
        let incremental = mode == "incremental" ? #", "write": "append", "cursor_field": "$offset""# : ""
        try workspace.peopleManifest(mode: mode, settings: incremental + ", \"max_rejects\": \(maxRejects)")
        return workspace
    }

    private func rejects(_ workspace: RunWorkspace) throws -> [String] {
        try workspace.stateQuery("SELECT position || ' ' || reason || ' ' || times_seen FROM etl_rejects ORDER BY id")
            .split(separator: "\n").map { String($0.split(separator: "/").last ?? "") }
    }

    func testAFullLoadFailingOnTooManyRejectsRecordsEachRejectWithItsLineAndReason() throws {
        let workspace = try pipeline(mode: "full", maxRejects: 1)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("more than max_rejects (1)"), run.stderr)
        XCTAssertEqual(try rejects(workspace), [
            #"in.csv:3 column id: "x" is not an int64 1"#, #"in.csv:5 column id: "y" is not an int64 1"#,
        ])
    }

    func testAnIncrementalLoadFailingOnTooManyRejectsRecordsEachReject() throws {
        let workspace = try pipeline(mode: "incremental", maxRejects: 0)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(try rejects(workspace).count, 2)
    }

    func testABatchRetriedByLaterRunsKeepsOneRowPerRejectAndCountsTheRuns() throws {
        for mode in ["full", "incremental"] {
            let workspace = try pipeline(mode: mode, maxRejects: 1)
            for _ in 0..<3 { _ = try workspace.run(["run"]) }
            XCTAssertEqual(try rejects(workspace), [
                #"in.csv:3 column id: "x" is not an int64 3"#, #"in.csv:5 column id: "y" is not an int64 3"#,
            ], mode)
            // Each run still says how many rows it rejected.
            XCTAssertEqual(try workspace.stateQuery("SELECT rows_rejected FROM etl_runs"), "2\n2\n2\n", mode)
            let lastRun = try workspace.stateQuery("SELECT run_id FROM etl_runs ORDER BY started_at DESC LIMIT 1")
            XCTAssertEqual(try workspace.stateQuery("SELECT DISTINCT last_run_id FROM etl_rejects"), lastRun, mode)
        }
    }

    func testWithinMaxRejectsTheLoadCommitsAndTheRejectsAreRecordedOnce() throws {
        let workspace = try pipeline(mode: "full", maxRejects: 2)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try rejects(workspace).count, 2)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM people"), "3\n")
    }
}
