import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `etl-runtime run` into the throwaway PostgreSQL server: the bundled example manifest, and
/// exactly-once incremental loads proven with real SIGKILLs of the worker in the middle of a COPY.
final class PostgresPipelineTests: XCTestCase {
    /// examples/postgres.json and its two samples (census, Brazilian open data) in a workspace.
    private func example(_ database: PostgresTestDatabase) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.folder.file("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/postgres.json"), toPath: workspace.folder.file("plugins.json"))
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/data/adult.data"), toPath: workspace.folder.file("data/adult.data"))
        try FileManager.default.copyItem(
            atPath: TestPaths.source("examples/data/municipios_2022.csv"), toPath: workspace.folder.file("data/municipios_2022.csv"))
        return workspace
    }

    func testTheExampleLoadsTheCensusSampleAndItsIncrementalEntryMovesOn() throws {
        let database = try PostgresTestDatabase()
        let workspace = try example(database)
        let environment = ["PG_URL": database.url()]
        let first = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let written = try XCTUnwrap(first.stderr.firstMatch(of: /summary entry=adult status=ok read=\d+ written=(\d+)/)?.1, first.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM census.adult"), String(written))
        XCTAssertEqual(try database.connection.rows("""
            SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'census' AND table_name = 'adult'
            AND column_name IN ('age', 'workclass') ORDER BY column_name
            """), [["age", "bigint"], ["workclass", "text"]])
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM census.stage_adult"), "1630")
        let second = try workspace.run(["run", "--entry", "adult_stage"], environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM census.stage_adult"), "3260")
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM census._etl_state WHERE entry_id IN ('adult', 'adult_stage')"), "2")
        let status = try workspace.run(["status"], environment: environment)
        XCTAssertTrue(status.stdout.contains("adult_stage"), status.stdout)
    }

    /// The open-data entry: the same source and transforms as examples/brazil-open-data.json,
    /// into PostgreSQL's own types (accents kept, the decimal(10,2) cast as numeric(10,2)).
    func testTheExampleLoadsTheBrazilianOpenDataSampleWithAccentsAndExactDecimals() throws {
        let database = try PostgresTestDatabase()
        let workspace = try example(database)
        let run = try workspace.run(["run", "--entry", "municipios"], environment: ["PG_URL": database.url()])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try database.connection.rows("""
            SELECT ibge_code, municipality, state, reference_date::text, population::text, area_km2::text, capital::text,
                   density_per_km2::text, _loaded_at IS NOT NULL
            FROM open_data.municipios WHERE ibge_code IN ('1501402', '3550308', '9999999') ORDER BY 1
            """), [
                ["1501402", "Belém", "PA", "2022-08-01", "1303389", "1059.46", "true", "1230.2", "t"],
                ["3550308", "São Paulo", "SP", "2022-08-01", "11451245", "1521.11", "true", "7528.2", "t"],
                ["9999999", "Município Sem Dados", "XX", "2022-08-01", nil, nil, "false", nil, "t"],
            ])
        XCTAssertEqual(try database.connection.rows("""
            SELECT column_name, data_type, numeric_precision::text, numeric_scale::text FROM information_schema.columns
            WHERE table_schema = 'open_data' AND table_name = 'municipios' ORDER BY ordinal_position
            """), [
                ["ibge_code", "text", nil, nil], ["municipality", "text", nil, nil], ["state", "text", nil, nil],
                ["reference_date", "date", nil, nil], ["population", "bigint", "64", "0"], ["area_km2", "numeric", "10", "2"],
                ["capital", "boolean", nil, nil], ["density_per_km2", "double precision", "53", nil],
                ["_loaded_at", "timestamp with time zone", nil, nil],
            ])
        // numeric adds exactly: the file's 20 areas sum to 36472.96 (a double sum would need rounding to say so).
        XCTAssertEqual(try database.connection.scalar("SELECT sum(area_km2)::text FROM open_data.municipios"), "36472.96")
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM open_data.municipios"), "21")
    }

    func testValidateAcceptsTheExampleWithoutReachingTheServer() throws {
        let database = try PostgresTestDatabase()
        let workspace = try example(database)
        let validate = try workspace.run(["validate"], environment: ["PG_URL": "postgresql://nobody@127.0.0.1:1/none"])
        XCTAssertEqual(validate.status, 0, validate.stderr + validate.stdout)
    }

    func testAServerWarningIsLoggedAsAWarningOfThePlugin() throws {
        let database = try PostgresTestDatabase()
        let workspace = try example(database)
        var manifest = try String(contentsOfFile: workspace.folder.file("plugins.json"), encoding: .utf8)
        // post_sql that commits itself twice: the second COMMIT draws a server WARNING.
        manifest = manifest.replacingOccurrences(of: "\"mode\": \"full\"", with: "\"mode\": \"full\", \"post_sql\": \"COMMIT; COMMIT\"")
        try manifest.write(toFile: workspace.folder.file("plugins.json"), atomically: false, encoding: .utf8)
        let run = try workspace.run(["run", "--entry", "adult"], environment: ["PG_URL": database.url()])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("there is no transaction in progress") }
        XCTAssertEqual(lines.count, 1, run.stderr)
        XCTAssertTrue(lines.first?.contains(" warning ") ?? false, run.stderr)
        XCTAssertTrue(lines.first?.contains("postgresql etl@127.0.0.1:\(database.server.port)/\(database.name): WARNING:") ?? false, run.stderr)
    }

    func testValidateRefusesAnUnsetPasswordVariable() throws {
        let database = try PostgresTestDatabase()
        let workspace = try example(database)
        var manifest = try String(contentsOfFile: workspace.folder.file("plugins.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"schema\": \"census\"", with: "\"schema\": \"census\", \"password_env\": \"ETL_TEST_UNSET_PG_PASSWORD\"")
        try manifest.write(toFile: workspace.folder.file("plugins.json"), atomically: false, encoding: .utf8)
        let validate = try workspace.run(["validate"], environment: ["PG_URL": database.url()])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue((validate.stderr + validate.stdout).contains("password_env names the variable ETL_TEST_UNSET_PG_PASSWORD, which is not set"),
                      validate.stderr + validate.stdout)
    }

    func testAWrongPasswordFailsTheRunWithoutShowingThePasswordAnywhere() throws {
        let database = try PostgresTestDatabase(owner: try PostgresTestServer.require().passwordUser)
        let workspace = try example(database)
        let secret = "Sup3r-Secret-Wrong-Passw0rd"
        try workspace.folder.write(".env", "PG_PASSWORD=\(secret)\n")
        var manifest = try String(contentsOfFile: workspace.folder.file("plugins.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"schema\": \"census\"", with: "\"schema\": \"census\", \"password_env\": \"PG_PASSWORD\"")
        try manifest.write(toFile: workspace.folder.file("plugins.json"), atomically: false, encoding: .utf8)
        let run = try workspace.run(["run"], environment: ["PG_URL": database.url(user: database.server.passwordUser)])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("password authentication failed"), run.stderr)
        XCTAssertFalse(run.stderr.contains(secret) || run.stdout.contains(secret), run.stderr)
        // The example keeps its state in state/postgres_state.db.
        let stored = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("state/postgres_state.db"),
                                                                "SELECT group_concat(coalesce(error, ''), ' ') FROM etl_runs"]).stdout
        XCTAssertFalse(stored.contains(secret), stored)
        XCTAssertTrue(stored.contains("password authentication failed"), stored)
    }

    func testIncrementalLoadWhoseWorkerIsKilledDuringCopyEndsWithEveryRowExactlyOnce() throws {
        let database = try PostgresTestDatabase()
        let totalRows = 300_000
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(totalRows), "seed": 5, "null_every": 9}}}"#,
            sinks: #"{"warehouse": {"plugin": "postgres", "config": {"url": "\#(database.url())"}}}"#,
            entries: """
                [{"id": "gen_stage", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 20000}]
                """)
        let watcher = try PostgresTestConnection(database.keywords)
        func committedRows() -> Int { Int((try? watcher.scalar("SELECT count(*) FROM gen")) ?? "") ?? 0 }
        var before = 0
        let killedDuringCopy = try killWorkersDuringCopy(workspace, watcher, kills: 3) { () -> Bool in
            before = committedRows()
            return before < totalRows
        } ready: {
            // A batch of this run committed: the kill lands past a checkpoint, mid-COPY.
            committedRows() > before
        }
        XCTAssertGreaterThanOrEqual(killedDuringCopy, 2, "too few kills landed during a COPY to prove anything")
        let final = try workspace.run(["run"])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertEqual(try watcher.rows("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM gen"),
                       [[String(totalRows), String(totalRows), "0", String(totalRows - 1)]])
        XCTAssertEqual(try watcher.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'gen_stage'"), "{\"next\": \(totalRows)}")
        XCTAssertEqual(try workspace.run(["state", "show", "gen_stage"]).stdout, "{\"next\": \(totalRows)}\n")
        let killed = try workspace.stateQuery("SELECT count(*) FROM etl_runs WHERE status IN ('killed', 'failed')")
        XCTAssertEqual(Int(killed.trimmingCharacters(in: .whitespacesAndNewlines)), killedDuringCopy)
    }

    func testAMergeWhoseWorkerIsKilledDuringCopyEndsWithEveryKeyOnce() throws {
        let database = try PostgresTestDatabase()
        let totalRows = 300_000
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(totalRows), "seed": 5}}}"#,
            sinks: #"{"warehouse": {"plugin": "postgres", "config": {"url": "\#(database.url())"}}}"#,
            entries: """
                [{"id": "gen_merge", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen",
                  "mode": "incremental", "write": "merge", "primary_key": ["id"], "cursor_field": "$offset", "batch_size": 20000}]
                """)
        let watcher = try PostgresTestConnection(database.keywords)
        func committedRows() -> Int { Int((try? watcher.scalar("SELECT count(*) FROM gen")) ?? "") ?? 0 }
        var before = 0
        let killed = try killWorkersDuringCopy(workspace, watcher, kills: 3) { () -> Bool in
            before = committedRows()
            return before < totalRows
        } ready: {
            committedRows() > before
        }
        XCTAssertGreaterThanOrEqual(killed, 2, "too few kills landed during a COPY to prove anything")
        let final = try workspace.run(["run"])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertEqual(try watcher.rows("SELECT count(*), count(DISTINCT id) FROM gen"), [[String(totalRows), String(totalRows)]])
        XCTAssertEqual(try watcher.scalar("SELECT state_json FROM _etl_state WHERE entry_id = 'gen_merge'"), "{\"next\": \(totalRows)}")
    }

    func testAReplaceWhoseWorkerIsKilledDuringCopyKeepsThePreviousTable() throws {
        try assertAReplaceKilledDuringCopyKeepsThePreviousTable(entryOptions: "")
    }

    func testAReplaceByTruncateWhoseWorkerIsKilledDuringCopyKeepsThePreviousTable() throws {
        try assertAReplaceKilledDuringCopyKeepsThePreviousTable(entryOptions: #", "options": {"replace_by": "truncate"}"#)
    }

    func testAReplaceBySwapWhoseWorkerIsKilledDuringTheCopiesKeepsThePreviousTableAndTheNextRunLeavesNoStagingTable() throws {
        // No view: a view would make the load replace by delete (PostgresSinkSwapTests).
        try assertAReplaceKilledDuringCopyKeepsThePreviousTable(entryOptions: #", "options": {"replace_by": "swap"}"#, withView: false)
    }

    func testAReplaceBySwapOfATableAViewDependsOnSaysItReplacesByDeleteAndWhy() throws {
        let (database, workspace) = try fullGeneratedEntry(rows: 1000, entryExtra: #", "options": {"replace_by": "swap"}"#)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(first.stderr.contains("not by swap"), first.stderr)
        let watcher = try PostgresTestConnection(database.keywords)
        try watcher.execute("CREATE VIEW gen_ids AS SELECT id FROM gen")
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains(#"replacing the rows of "public"."gen" by delete, not by swap (options.replace_by), because objects depend on it (view gen_ids)"#),
                      second.stderr)
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM gen_ids"), "1000")
    }

    /// A full entry (with `entryOptions`, ", ..." added to it) loaded once, then killed during
    /// the COPY of each of its next runs: the previous table, and a view on it, stay whole.
    private func assertAReplaceKilledDuringCopyKeepsThePreviousTable(entryOptions: String, withView: Bool = true) throws {
        let (database, workspace) = try fullGeneratedEntry(rows: 300_000, entryExtra: #", "batch_size": 20000"# + entryOptions)
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let watcher = try PostgresTestConnection(database.keywords)
        // A row the next replace deletes: while it is there, the previous table is.
        try watcher.execute(withView ? "CREATE VIEW gen_ids AS SELECT id FROM gen; INSERT INTO gen (id) VALUES (-1)"
                                     : "CREATE VIEW gen_ids AS SELECT id FROM gen; INSERT INTO gen (id) VALUES (-1); DROP VIEW gen_ids")
        let read = withView ? "gen_ids" : "gen"
        var attempts = 0
        let killed = try killWorkersDuringCopy(workspace, watcher, kills: 2) { () -> Bool in
            attempts += 1
            return attempts <= 6
        } ready: { true }
        XCTAssertGreaterThanOrEqual(killed, 2, "too few kills landed during a COPY to prove anything")
        XCTAssertEqual(try watcher.rows("SELECT count(*), min(id) FROM \(read)"), [["300001", "-1"]])
        let final = try workspace.run(["run"])
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertEqual(try watcher.rows("SELECT count(*), min(id) FROM \(read)"), [["300000", "0"]])
        XCTAssertEqual(try watcher.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_etl\\_swap\\_%'"), "0",
                       "a killed swap's staging table is dropped by the next load")
    }

    /// A fresh database and a workspace whose one entry, `gen_full`, loads `rows` generated rows
    /// into table `gen` in full; `entryExtra` (", ...") is added to the entry.
    private func fullGeneratedEntry(rows: Int, entryExtra: String) throws -> (PostgresTestDatabase, RunWorkspace) {
        let database = try PostgresTestDatabase()
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"gen": {"plugin": "datagen", "config": {"rows": \#(rows), "seed": 5}}}"#,
            sinks: #"{"warehouse": {"plugin": "postgres", "config": {"url": "\#(database.url())"}}}"#,
            entries: """
                [{"id": "gen_full", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "gen", "mode": "full"\(entryExtra)}]
                """)
        return (database, workspace)
    }

    /// Starts `etl-runtime run` again and again (while `another` says so, at most 8 times) and
    /// SIGKILLs the run's worker once `ready` holds and the server reports a COPY of this database
    /// in progress — polled, so the kill lands mid-COPY however fast the machine is; stops after
    /// `kills` kills. Returns how many landed during a COPY.
    private func killWorkersDuringCopy(_ workspace: RunWorkspace, _ watcher: PostgresTestConnection, kills: Int,
                                       another: () -> Bool, ready: @escaping () -> Bool) throws -> Int {
        func copyRunning() -> Bool {
            ((try? watcher.scalar("SELECT count(*) FROM pg_stat_progress_copy WHERE datname = current_database()")).flatMap { Int($0) } ?? 0) > 0
        }
        var killed = 0
        for _ in 0..<8 where killed < kills {
            guard another() else { break }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
            process.arguments = ["run"]
            process.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
            process.standardError = FileHandle.nullDevice
            try process.run()
            var worker: pid_t?
            try waitUntil("a COPY in progress", timeout: 60, interval: 0.001) {
                guard process.isRunning else { return true }
                guard ready(), copyRunning() else { return false }
                worker = WorkerProcesses.of(parent: process.processIdentifier).first
                return worker != nil
            }
            if let worker, copyRunning() {
                kill(worker, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        return killed
    }
}
