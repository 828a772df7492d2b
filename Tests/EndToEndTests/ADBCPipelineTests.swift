import Foundation
import TestSupport
import XCTest

/// `etl-runtime` with the adbc sink: the census CSV loaded through the real SQLite ADBC driver,
/// found by its short name on LD_LIBRARY_PATH as a user would install it.
final class ADBCPipelineTests: XCTestCase {
    private func driverFolder() throws -> String {
        try ProjectPython.packageFolder("adbc_driver_sqlite")
    }

    private func censusPipeline(_ workspace: RunWorkspace, write: String = "replace", entryKeys: String = "") throws {
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("adult.data"))
        let columns = try String(contentsOfFile: TestPaths.source("examples/data/adult.names.json"), encoding: .utf8)
        try workspace.manifest(
            sources: """
                {"census": {"plugin": "csv", "config": {"path": "adult.data", "header": false,
                 "columns": \(columns), "null_values": ["?"], "trim": true}}}
                """,
            sinks: """
                {"warehouse": {"plugin": "adbc", "config": {"driver": "adbc_driver_sqlite",
                 "options": {"uri": "file:\(workspace.folder.file("warehouse.db"))"}}}}
                """,
            entries: """
                [{"id": "adult", "source": "census", "stream": "adult", "sink": "warehouse", "target": "adult",
                  "mode": "full", "write": "\(write)"\(entryKeys)}]
                """)
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), sql]).stdout
    }

    func testTheCensusCSVLoadsThroughTheSQLiteDriverAndAReplaceRerunKeepsOneCopy() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace)
        let environment = ["LD_LIBRARY_PATH": try driverFolder()]
        for _ in 0..<2 {
            let outcome = try workspace.run(["run", "--manifest", workspace.folder.file("plugins.json")], environment: environment)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("status=ok read=4000 written=4000"), outcome.stderr)
        }
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT rowid) FROM adult"), "4000|4000\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*) FROM adult WHERE workclass IS NULL"), "229\n")
        XCTAssertEqual(try warehouse(workspace, "SELECT entry_id, target, rows FROM _etl_state"), "adult|adult|4000\n")
    }

    func testValidateRefusesAMergeEntryBeforeAnythingRuns() throws {
        let workspace = RunWorkspace()
        try censusPipeline(workspace, write: "merge", entryKeys: ", \"primary_key\": [\"age\"]")
        let outcome = try workspace.run(["validate"], environment: ["LD_LIBRARY_PATH": try driverFolder()])
        XCTAssertNotEqual(outcome.status, 0)
        let output = outcome.stdout + outcome.stderr
        XCTAssertTrue(output.contains("sink \"warehouse\" (plugin \"adbc\") does not support write \"merge\"; it supports \"replace\" or \"append\""), output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("warehouse.db")), output)
    }
}
