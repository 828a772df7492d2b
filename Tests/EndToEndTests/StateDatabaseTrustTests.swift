import Foundation
import TestSupport
import XCTest

/// The state database is precious: a damaged, foreign or newer file is refused (exit 78, with
/// the way out), an older one is migrated, and `state rebuild` recovers from the sinks.
final class StateDatabaseTrustTests: XCTestCase {
    /// An incremental census-style load of 1,000 csv rows, 300 per run.
    private func pipeline() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.peopleFile(1...1000)
        try workspace.peopleManifest(
            mode: "incremental", settings: #", "write": "append", "cursor_field": "$offset", "max_records_per_run": 300"#)
        return workspace
    }

    private func warehouse(_ workspace: RunWorkspace, _ sql: String) throws -> String {
        try workspace.warehouseQuery(sql)
    }

    /// Overwrites part of the page that holds the control table's primary-key index.
    private func damageControlIndex(_ workspace: RunWorkspace) throws {
        _ = try workspace.stateQuery("PRAGMA wal_checkpoint(TRUNCATE)")
        let page = try workspace.stateQuery("SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_etl_control_1'")
        let pageSize = try workspace.stateQuery("PRAGMA page_size")
        let number = try XCTUnwrap(Int(page.trimmingCharacters(in: .whitespacesAndNewlines)))
        let size = try XCTUnwrap(Int(pageSize.trimmingCharacters(in: .whitespacesAndNewlines)))
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: workspace.statePath))
        try handle.seek(toOffset: UInt64((number - 1) * size + 8))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 200))
        try handle.close()
    }

    func testADamagedStateDatabaseIsRefusedByEveryCommandWithTheWayToRecover() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try damageControlIndex(workspace)
        let before = try Data(contentsOf: URL(fileURLWithPath: workspace.statePath))
        for command in [["run"], ["status"], ["history"], ["state", "show", "people"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("state database \(workspace.statePath): is damaged"), "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("etl-runtime state rebuild"), "\(command): \(outcome.stderr)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: workspace.statePath)), before, "a refused file was changed")
    }

    func testStateRebuildRecoversTheWatermarksFromTheSinkAndTheLoadGoesOnWithoutDuplicates() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try damageControlIndex(workspace)
        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr)
        XCTAssertTrue(rebuild.stdout.contains("moved the previous state database aside: \(workspace.statePath).unusable-"), rebuild.stdout)
        XCTAssertTrue(rebuild.stdout.contains("people: watermark {"), rebuild.stdout)
        let aside = try FileManager.default.contentsOfDirectory(atPath: workspace.folder.file("state"))
            .filter { $0.hasPrefix("etl_state.db.unusable-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
        XCTAssertEqual(aside.count, 1, "the damaged file must be kept")
        for _ in 0..<3 { XCTAssertEqual(try workspace.run(["run"]).status, 0) }
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM people"), "1000|1000|1|1000\n")
        // The project id survived, so the sink still sees this project as the target's owner.
        XCTAssertEqual(
            try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'state_id'"),
            try warehouse(workspace, "SELECT DISTINCT owner FROM _etl_state"))
    }

    func testASQLiteFileThatIsNotAStateDatabaseIsRefusedAndLeftUntouched() throws {
        let workspace = try pipeline()
        try FileManager.default.createDirectory(atPath: workspace.folder.file("state"), withIntermediateDirectories: true)
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.statePath, "CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (7);"])
        let before = try Data(contentsOf: URL(fileURLWithPath: workspace.statePath))
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("not an etl-runtime state database (it holds other tables (invoices))"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: workspace.statePath)), before)
    }

    func testAFileThatIsNotSQLiteAtAllIsRefused() throws {
        let workspace = try pipeline()
        try FileManager.default.createDirectory(atPath: workspace.folder.file("state"), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: workspace.statePath))
        let status = try workspace.run(["status"])
        XCTAssertEqual(status.status, 78, status.stderr)
        XCTAssertTrue(status.stderr.contains("cannot be read as a SQLite database"), status.stderr)
        XCTAssertTrue(status.stderr.contains("state rebuild"), status.stderr)
    }

    func testAStateDatabaseOfANewerRuntimeIsRefused() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        _ = try workspace.stateQuery("UPDATE etl_meta SET value = '99' WHERE key = 'schema_version'")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("was written by a newer etl-runtime (state schema version 99; this one knows up to 3)"), run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'schema_version'"), "99\n")
    }

    func testAStateDatabaseOfAnEarlierRuntimeIsMigratedKeepingItsWatermarksAndHistory() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // Turn it into what etl-runtime 0.6 wrote: no etl_meta, no new columns, no application id.
        _ = try workspace.stateQuery("""
            DROP TABLE etl_meta; DROP INDEX etl_rejects_once;
            ALTER TABLE etl_control DROP COLUMN primary_key;
            ALTER TABLE etl_rejects DROP COLUMN last_run_id; ALTER TABLE etl_rejects DROP COLUMN times_seen;
            ALTER TABLE etl_runs DROP COLUMN reads;
            INSERT INTO etl_rejects (run_id, entry_id, position, raw, reason, recorded_at) VALUES
              ('r1', 'people', 'in.csv:9', 'x', 'bad', 't'), ('r2', 'people', 'in.csv:9', 'x', 'bad', 't');
            PRAGMA application_id = 0; PRAGMA user_version = 0;
            """)
        // Earlier runtimes sent no project id, so their sinks recorded no owner.
        _ = try warehouse(workspace, "UPDATE _etl_state SET owner = NULL")
        let watermark = try workspace.run(["state", "show", "people"]).stdout
        XCTAssertTrue(watermark.contains("offset"), watermark)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.stateQuery("PRAGMA user_version"), "3\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'schema_version'"), "3\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_runs"), "2\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_rejects"), "1\n", "duplicate rejects are merged")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id) FROM people"), "600|600\n")
    }

    func testAVersion2StateDatabaseIsMigratedKeepingItsRunsAndRecordsWhatNewRunsRead() throws {
        let workspace = try pipeline()
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // Turn it into what the runtime of state schema version 2 wrote: etl_runs without `reads`.
        _ = try workspace.stateQuery("""
            ALTER TABLE etl_runs DROP COLUMN reads;
            UPDATE etl_meta SET value = '2' WHERE key = 'schema_version'; PRAGMA user_version = 2;
            """)
        let before = try workspace.stateQuery("SELECT run_id, status, rows_read, rows_written, watermark_after FROM etl_runs")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.stateQuery("PRAGMA user_version"), "3\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'schema_version'"), "3\n")
        XCTAssertEqual(
            try workspace.stateQuery("SELECT run_id, status, rows_read, rows_written, watermark_after FROM etl_runs ORDER BY started_at LIMIT 1"),
            before, "the version 2 run is kept as it was")
        XCTAssertEqual(try workspace.stateQuery("SELECT quote(reads) FROM etl_runs ORDER BY started_at"), """
            NULL
            '["file:in"]'

            """, "what an earlier run read is unknown; the new run records its source and stream")
        XCTAssertEqual(try warehouse(workspace, "SELECT count(*), count(DISTINCT id) FROM people"), "600|600\n", "the watermark survived")
        let history = try workspace.run(["history"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertEqual(history.stdout.split(separator: "\n").dropFirst().map { $0.contains(" file:in ") }, [true, false], history.stdout)
    }
}
