import Foundation
import TestSupport
import XCTest

/// A state database that cannot be written says which file, what the operating system said and
/// what to do — not SQLite's bare "disk I/O error" or "unable to open database file". The
/// failing disks are real: small tmpfs mounts (the tests need root, as CI runs).
final class StateDiskErrorTests: XCTestCase {
    private var mounts: [String] = []

    override func tearDown() {
        for mount in mounts.reversed() { _ = try? ProcessRunner.run("/bin/umount", ["-l", mount]) }
        mounts = []
        super.tearDown()
    }

    private func mountTmpfs(at folder: String, options: String) throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a small file system needs root (CI runs as root)") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let outcome = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        mounts.append(folder)
    }

    private func pipeline(_ workspace: RunWorkspace) throws {
        try workspace.folder.write("in.csv", "id\n" + (1...2000).map { "\($0)\n" }.joined())
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true, "columns": [{"name": "id", "type": "int64"}]}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "ids", "source": "file", "stream": "in", "sink": "warehouse", "target": "ids", "mode": "incremental",
                  "write": "append", "cursor_field": "$offset", "batch_size": 100}]
                """)
    }

    func testAFullDiskUnderTheStateDatabaseNamesTheFileTheErrorAndTheRemedy() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace)
        try mountTmpfs(at: workspace.folder.file("state"), options: "size=512k")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // Fill what is left of the file system.
        let filler = workspace.folder.file("state/filler")
        _ = try ProcessRunner.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4096"])
        try workspace.folder.write("in.csv", "id\n" + (1...4000).map { "\($0)\n" }.joined())
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("state database \(workspace.statePath)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("errno \(ENOSPC) (No space left on device)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("The disk holding \(workspace.folder.file("state")) is full: free space there"), run.stderr)
        // Once there is room again, the load goes on with nothing lost or doubled.
        try FileManager.default.removeItem(atPath: filler)
        let again = try workspace.run(["run"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let rows = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*), count(DISTINCT id) FROM ids"])
        XCTAssertEqual(rows.stdout, "4000|4000\n")
    }

    func testAStateFolderOnAReadOnlyFileSystemSaysSo() throws {
        let workspace = RunWorkspace()
        try pipeline(workspace)
        try mountTmpfs(at: workspace.folder.file("state"), options: "ro,size=64k")
        let run = try workspace.run(["status"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("state database \(workspace.statePath): cannot open"), run.stderr)
        XCTAssertTrue(run.stderr.contains("errno \(EROFS) (Read-only file system)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("is on a read-only file system: mount it read-write, or point the path elsewhere"), run.stderr)
    }
}
