import Foundation
import TestSupport
import XCTest

/// The main job: census CSV → SQLite, full and incremental, with bad input.
final class CensusPipelineTests: XCTestCase {
    private func censusColumns() throws -> String {
        try String(contentsOfFile: TestPaths.source("examples/data/adult.names.json"), encoding: .utf8)
    }

    /// The census sample copied into the workspace, read by a csv source into a SQLite warehouse.
    private func censusPipeline(_ workspace: RunWorkspace, entries: String) throws {
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("adult.data"))
        try workspace.manifest(
            sources: """
                {"census": {"plugin": "csv", "config": {"path": "adult.data", "header": false,
                 "columns": \(try censusColumns()), "null_values": ["?"], "trim": true}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: entries)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
    }

    func testIncrementalTicksEndEqualToASingleFullLoadRowForRow() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace, entries: """
                [{"id": "adult", "source": "census", "stream": "adult", "sink": "warehouse", "target": "adult", "mode": "full"},
                 {"id": "adult_stage", "source": "census", "stream": "adult", "sink": "warehouse", "target": "stage_adult",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "max_records_per_run": 1630}]
                """)
        var staged: [String] = []
        for _ in 0..<4 {
            let outcome = try workspace.run(["run", "--jobs", "2"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            staged.append(try warehouse(workspace, "SELECT count(*) FROM stage_adult").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(staged, ["1630", "3260", "4000", "4000"])
        let full = try warehouse(workspace, "SELECT * FROM adult ORDER BY rowid")
        let ticks = try warehouse(workspace, "SELECT * FROM stage_adult ORDER BY rowid")
        XCTAssertEqual(full.split(separator: "\n").count, 4000)
        XCTAssertEqual(full, ticks)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM adult WHERE workclass IS NULL"), "229\n")
    }

    func testAFullRefreshReloadsAnIncrementalEntryAndReplacesItsTarget() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace, entries: """
                [{"id": "adult_stage", "source": "census", "stream": "adult", "sink": "warehouse", "target": "stage_adult",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "max_records_per_run": 1630}]
                """)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let refresh = try workspace.run(["run", "--full-refresh"])
        XCTAssertEqual(refresh.status, 0, refresh.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT rowid) FROM stage_adult"), "4000|4000\n")
        // The refresh left a watermark at the end of the file: the next tick is a no-op.
        let next = try workspace.run(["run"])
        XCTAssertTrue(next.stderr.contains("status=ok read=0 written=0"), next.stderr)
    }

    private func badFilePipeline(_ workspace: RunWorkspace, maxRejects: Int) throws {
        var bytes = Array("1,a,1.5\n2,b\n3,c,notanumber\n".utf8)
        // Line 4's score is not a double (a byte that is not UTF-8 used to be a reject here too;
        // it now fails the read once: Latin1FileRunTests).
        bytes += Array("4,d,1.2.3\n5,e,3.5\n6,\"unterminated,4\n".utf8)
        XCTAssertTrue(FileManager.default.createFile(atPath: workspace.folder.file("scores.csv"), contents: Data(bytes)))
        try workspace.manifest(
            sources: """
                {"scores": {"plugin": "csv", "config": {"path": "scores.csv", "header": false,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}, {"name": "score", "type": "double"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "scores", "source": "scores", "stream": "scores", "sink": "warehouse", "target": "scores",
                  "mode": "full", "max_rejects": \(maxRejects)}]
                """)
    }

    func testBadRowsGoToRejectsWithTheirLineAndTheGoodRowsLoad() throws {
        let workspace = RunWorkspace()
        try badFilePipeline(workspace, maxRejects: 10)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("status=ok read=2 written=2 rejected=4"), outcome.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT id, name, score FROM scores ORDER BY id"), "1|a|1.5\n5|e|3.5\n")
        let positions = try workspace.stateQuery("SELECT position FROM etl_rejects ORDER BY id")
            .split(separator: "\n").map { String($0.split(separator: ":").last ?? "") }
        XCTAssertEqual(positions, ["2", "3", "4", "6"])
        let reasons = try workspace.stateQuery("SELECT reason FROM etl_rejects ORDER BY id")
        XCTAssertTrue(reasons.contains("expected 3 fields, got 2"), reasons)
        XCTAssertTrue(reasons.contains("notanumber"), reasons)
        XCTAssertTrue(reasons.contains("1.2.3"), reasons)
        XCTAssertTrue(reasons.lowercased().contains("quote"), reasons)
    }

    func testAboveMaxRejectsAFullLoadFailsAndKeepsThePreviousTable() throws {
        let workspace = RunWorkspace()
        try badFilePipeline(workspace, maxRejects: 10)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try badFilePipeline(workspace, maxRejects: 3)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("4 rows rejected, more than max_rejects (3)"), outcome.stderr)
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM scores"), "2\n")
    }

    func testALockLeftByAKilledRunIsTakenOver() throws {
        let workspace = RunWorkspace()
        try badFilePipeline(workspace, maxRejects: 10)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        holder.arguments = ["run", "--every", "1h"]
        holder.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        let lockFile = workspace.folder.file("state/locks/scores.lock")
        try waitUntil("the holder to write its pid into the lock file") {
            (try? String(contentsOfFile: lockFile, encoding: .utf8))?.contains("pid \(holder.processIdentifier)") == true
        }
        XCTAssertEqual(try workspace.run(["run"]).status, 75)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }
}
