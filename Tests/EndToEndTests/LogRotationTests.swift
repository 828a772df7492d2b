import Foundation
import Glibc
import TestSupport
import XCTest

/// `etl-runtime run` ticks over `logs/app*.csv` into SQLite while logrotate rotates
/// `logs/app.csv` (played with plain renames, copies, truncations and appends): each way of
/// rotating loads every line into the warehouse exactly once, with runs before, between and
/// after the rotation's steps and no `state reset`.
final class LogRotationTests: XCTestCase {
    private let workspace = RunWorkspace()

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: workspace.folder.file("logs"), withIntermediateDirectories: true)
        try workspace.manifest(
            sources: """
                {"app": {"plugin": "csv", "config": {"path": "logs/app*.csv", "stream": "app", "header": false,
                 "columns": [{"name": "n", "type": "int64"}, {"name": "message", "type": "text"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "app_log", "source": "app", "stream": "app", "sink": "warehouse", "target": "app_log",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
    }

    private func path(_ name: String) -> String { workspace.folder.file("logs/" + name) }

    /// The application writes lines `ids` to `logs/name` (created when missing).
    private func log(_ name: String, _ ids: ClosedRange<Int>) throws {
        let text = ids.map { "\($0),request \($0) served\n" }.joined()
        guard let handle = FileHandle(forWritingAtPath: path(name)) else {
            try text.write(toFile: path(name), atomically: false, encoding: .utf8)
            return
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    private func rename(_ name: String, to newName: String) {
        XCTAssertEqual(Glibc.rename(path(name), path(newName)), 0, "rename \(name) → \(newName)")
    }

    /// A new empty file under `name`, as logrotate's `create` leaves it.
    private func create(_ name: String) {
        XCTAssertTrue(FileManager.default.createFile(atPath: path(name), contents: Data()))
    }

    /// One cron tick; returns its stderr.
    @discardableResult
    private func tick() throws -> String {
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("status=ok"), outcome.stderr)
        return outcome.stderr
    }

    /// The ids in the warehouse table, sorted; each one must appear exactly once.
    private func warehouseIDs() throws -> [Int] {
        let text = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT n FROM app_log ORDER BY n"]).stdout
        return text.split(separator: "\n").compactMap { Int($0) }
    }

    func testCreateRotationLoadsEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        rename("app.csv", to: "app-1.csv")
        try tick()
        try log("app-1.csv", 6...6)  // the application writes on to its open file until told to reopen
        create("app.csv")
        try tick()
        try log("app.csv", 7...8)
        try tick()
        rename("app-1.csv", to: "app-2.csv")
        rename("app.csv", to: "app-1.csv")
        create("app.csv")
        try log("app.csv", 9...10)
        try tick()
        XCTAssertEqual(try warehouseIDs(), Array(1...10))
    }

    func testCopytruncateRotationLoadsEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        try FileManager.default.copyItem(atPath: path("app.csv"), toPath: path("app-1.csv"))
        try tick()
        try log("app.csv", 6...6)
        try tick()
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path("app.csv")))
        try handle.truncate(atOffset: 0)
        try handle.close()
        let afterTruncation = try tick()
        XCTAssertTrue(afterTruncation.contains("reading it again from its first line"), afterTruncation)
        try log("app.csv", 7...9)
        try tick()
        XCTAssertEqual(try warehouseIDs(), Array(1...9))
    }

    func testDateextRotationLoadsEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        rename("app.csv", to: "app-20261205.csv")
        create("app.csv")
        try log("app.csv", 6...7)
        try tick()
        try log("app.csv", 8...8)
        rename("app.csv", to: "app-20261206.csv")
        create("app.csv")
        try tick()
        try log("app.csv", 9...9)
        try tick()
        XCTAssertEqual(try warehouseIDs(), Array(1...9))
    }
}
