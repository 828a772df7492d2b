import Foundation
import TestSupport
import XCTest

/// `run --jobs N` with several entries into one SQLite file: SQLite lets one writer in at a
/// time, so an entry whose load cannot start waits for the other to finish instead of failing.
final class ParallelEntriesTests: XCTestCase {
    func testFullLoadsIntoOneSQLiteFileWaitForEachOtherInsteadOfFailing() throws {
        let workspace = RunWorkspace()
        // A short busy timeout, so SQLite itself gives up at once and the runtime's waiting
        // is what lets the second load in.
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": 250000, "seed": 3}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db", "busy_timeout_ms": 10}}}"#,
            entries: """
                [{"id": "first", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "first", "mode": "full"},
                 {"id": "second", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "second", "mode": "full"}]
                """)
        let outcome = try workspace.run(["run", "--jobs", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=first status=ok read=250000 written=250000"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("summary entry=second status=ok read=250000 written=250000"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("the sink is busy; waiting to start the load"), outcome.stderr)
        let counts = try ProcessRunner.run(
            "/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT (SELECT count(*) FROM first), (SELECT count(*) FROM second)"])
        XCTAssertEqual(counts.stdout, "250000|250000\n")
    }
}
