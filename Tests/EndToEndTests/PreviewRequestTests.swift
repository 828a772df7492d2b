import Foundation
import TestSupport
import XCTest

/// `preview` asks the source for what `run` would: the same read request (mode, key, cursor
/// policies, lookback), from the entry's watermark, only capped at `--limit`.
final class PreviewRequestTests: XCTestCase {
    /// events(id, updated_at) in source.db, one row with a NULL cursor; loaded incrementally by
    /// updated_at with `null_cursor: "load"`.
    private func pipeline() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("source.db"), """
            CREATE TABLE events (id INTEGER, updated_at TEXT);
            INSERT INTO events VALUES (1, '2024-01-01 10:00:00'), (2, NULL), (3, '2024-01-02 10:00:00');
            """])
        try workspace.manifest(
            sources: #"{"db": {"plugin": "sqlite", "config": {"path": "source.db", "table": "events"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "events", "source": "db", "stream": "events", "sink": "warehouse", "target": "events",
                  "mode": "incremental", "write": "append", "cursor_field": "updated_at", "null_cursor": "load"}]
                """)
        return workspace
    }

    func testPreviewHonoursTheEntrysCursorPolicyAsRunDoes() throws {
        let workspace = try pipeline()
        let preview = try workspace.run(["preview", "events", "--limit", "5"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        let ids = preview.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(Set(ids), ["1", "2", "3"], preview.stdout)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM events"), "3\n")
    }

    func testPreviewStartsFromTheWatermarkTheNextRunWould() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("source.db"),
                                                        "INSERT INTO events VALUES (4, '2024-01-03 10:00:00')"])
        let preview = try workspace.run(["preview", "events"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        let ids = preview.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(ids, ["4"], preview.stdout)
    }
}
