import Foundation
import TestSupport
import XCTest

/// Two projects (manifests with state databases of their own) loading the same target of one
/// warehouse would each load everything: the sink records which state database owns a target,
/// and refuses the other one unless it runs with `--take-ownership`.
final class TargetOwnershipTests: XCTestCase {
    /// A project folder whose manifest loads ../warehouse.db's `people` from its own in.csv.
    private func project(_ root: TemporaryDirectory, _ name: String) throws -> String {
        let folder = root.file(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try (1...20).map { "\($0)\n" }.joined().write(toFile: folder + "/in.csv", atomically: false, encoding: .utf8)
        try """
            {"manifest_version": 1, "state": {"path": "state/etl_state.db"},
             "sources": {"file": {"plugin": "csv", "config": {"path": "in.csv", "header": false, "columns": [{"name": "id", "type": "int64"}]}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "../warehouse.db"}}},
             "control_table": [{"id": "people_\(name)", "source": "file", "stream": "in", "sink": "warehouse", "target": "people",
               "mode": "incremental", "write": "append", "cursor_field": "$offset"}]}
            """.write(toFile: folder + "/plugins.json", atomically: false, encoding: .utf8)
        return folder
    }

    private func rows(_ root: TemporaryDirectory) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [root.file("warehouse.db"), "SELECT count(*) FROM people"]).stdout
    }

    func testASecondProjectLoadingTheSameTargetIsRefusedUntilItTakesOwnership() throws {
        let root = TemporaryDirectory("etl-owners")
        let first = try project(root, "first"), second = try project(root, "second")
        XCTAssertEqual(try ProcessRunner.etlRuntime(["run"], currentDirectory: first).status, 0)
        XCTAssertEqual(try rows(root), "20\n")

        let refused = try ProcessRunner.etlRuntime(["run"], currentDirectory: second)
        // The sink's begin refuses with ETL_INVALID_CONFIG (choose another target, or take ownership): exit 78.
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is owned by another etl-runtime project"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--take-ownership"), refused.stderr)
        XCTAssertEqual(try rows(root), "20\n", "the refused project loaded rows")

        let taken = try ProcessRunner.etlRuntime(["run", "--take-ownership"], currentDirectory: second)
        XCTAssertEqual(taken.status, 0, taken.stderr)
        // Now the first project is the stranger, as soon as it has rows to load.
        try (1...25).map { "\($0)\n" }.joined().write(toFile: first + "/in.csv", atomically: false, encoding: .utf8)
        let firstAgain = try ProcessRunner.etlRuntime(["run"], currentDirectory: first)
        XCTAssertEqual(firstAgain.status, 78, firstAgain.stderr)
        XCTAssertTrue(firstAgain.stderr.contains("is owned by another etl-runtime project"), firstAgain.stderr)
    }

    func testTheSameProjectRunningAgainIsNeverRefused() throws {
        let root = TemporaryDirectory("etl-owners")
        let first = try project(root, "first")
        for _ in 0..<3 { XCTAssertEqual(try ProcessRunner.etlRuntime(["run"], currentDirectory: first).status, 0) }
        XCTAssertEqual(try rows(root), "20\n")
    }
}
