import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `state rebuild` of a state kept in PostgreSQL (`state.url`): what is left of the old state is
/// moved into a schema `<schema>_unusable_<time>` (never dropped), a fresh state keeps the
/// project's id, and every incremental entry resumes from what its sink committed with its data —
/// a postgres sink and a sqlite sink alike — so the next runs load each row exactly once.
final class PostgresStateRebuildTests: XCTestCase {
    /// 1,000 csv rows loaded 300 per run into a postgres sink (`pg_people`, in `sinkSchema`) and a
    /// sqlite sink (`lite_people`), the state in `stateSchema` of `database`; `extraEntries`
    /// (",{...}") and `stateExtra` (", \"password_env\": ...") are added as given.
    private func pipeline(
        _ database: PostgresTestDatabase, stateSchema: String, sinkSchema: String = "public", stateURL: String? = nil,
        stateExtra: String = "", extraEntries: String = ""
    ) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.peopleFile(1...1000)
        try manifest(
            workspace, file: "plugins.json",
            state: #"{"url": "\#(stateURL ?? database.url())", "schema": "\#(stateSchema)"\#(stateExtra)}"#,
            database: database, sinkSchema: sinkSchema, entries: "[" + Self.peopleEntries + extraEntries + "]")
        return workspace
    }

    private static let peopleEntries: String = {
        let incremental = #""mode": "incremental", "write": "append", "cursor_field": "$offset", "max_records_per_run": 300"#
        return """
            {"id": "pg_people", "source": "file", "stream": "in", "sink": "warehouse", "target": "people", \(incremental)},
            {"id": "lite_people", "source": "file", "stream": "in", "sink": "local", "target": "people", \(incremental)}
            """
    }()

    private func manifest(
        _ workspace: RunWorkspace, file: String, state: String, database: PostgresTestDatabase, sinkSchema: String, entries: String
    ) throws {
        try workspace.folder.write(
            file,
            """
            {"manifest_version": 1, "state": \(state),
             "sources": {"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true,
                           "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}},
                         "gen": {"plugin": "datagen", "config": {"rows": 300000, "seed": 5}}},
             "sinks": {"warehouse": {"plugin": "postgres", "config": {"url": "\(database.url())", "schema": "\(sinkSchema)"}},
                       "local": {"plugin": "sqlite", "config": {"path": "local.db"}}},
             "control_table": \(entries)}
            """)
    }

    /// What each sink committed for its entry (`_etl_state`), and the owner it recorded.
    private func committed(_ workspace: RunWorkspace, _ database: PostgresTestDatabase, sinkSchema: String = "public") throws -> [String: [String?]] {
        let local = try ProcessRunner.run(
            "/usr/bin/sqlite3", ["-separator", "\t", workspace.folder.file("local.db"), "SELECT state_json, owner FROM _etl_state WHERE entry_id = 'lite_people'"]
        ).stdout.trimmingCharacters(in: .newlines).split(separator: "\t").map { String($0) as String? }
        return [
            "pg_people": try XCTUnwrap(database.connection.rows("SELECT state_json, owner FROM \(sinkSchema)._etl_state WHERE entry_id = 'pg_people'").first),
            "lite_people": local,
        ]
    }

    private func watermarks(_ database: PostgresTestDatabase, schema: String) throws -> [String: String?] {
        var result: [String: String?] = [:]
        for row in try database.connection.rows("SELECT id, watermark FROM \(schema).etl_control") { result[row[0] ?? ""] = row[1] }
        return result
    }

    private func asideSchemas(_ database: PostgresTestDatabase, of schema: String) throws -> [String] {
        try database.connection.rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE '\(schema)_unusable_%' ORDER BY 1").compactMap { $0[0] }
    }

    /// Runs until both entries loaded all 1,000 rows, then checks each sink holds each row once.
    private func assertTheLoadEndsWithEveryRowOnce(
        _ workspace: RunWorkspace, _ database: PostgresTestDatabase, sinkSchema: String = "public", arguments: [String] = []
    ) throws {
        for _ in 0..<3 {
            let run = try workspace.run(["run"] + arguments)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertEqual(try database.connection.rows("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM \(sinkSchema).people"), [["1000", "1000", "1", "1000"]])
        let local = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("local.db"), "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM people"]).stdout
        XCTAssertEqual(local, "1000|1000|1|1000\n")
    }

    func testARebuildOfAStateMissingItsControlTableRenamesTheSchemaAsideAndTheLoadGoesOnExactlyOnce() throws {
        let database = try PostgresTestDatabase(owner: try PostgresTestServer.require().passwordUser)
        let secret = database.server.password
        let workspace = try pipeline(
            database, stateSchema: "etl_state", stateURL: database.url(user: database.server.passwordUser), stateExtra: #", "password_env": "STATE_PASSWORD""#)
        try workspace.folder.write(".env", "STATE_PASSWORD=\(secret)\n")
        for _ in 0..<2 { XCTAssertEqual(try workspace.run(["run"]).status, 0) }
        let stateID = try database.connection.scalar("SELECT value FROM etl_state.etl_meta WHERE key = 'state_id'")
        try database.connection.execute("DROP TABLE etl_state.etl_control")

        let refused = try workspace.run(["run"])
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is damaged: etl_control is missing from the schema"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("etl-runtime state rebuild"), refused.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT to_regclass('etl_state.etl_control') IS NULL"), "t", "a damaged state is not patched up")

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        let aside = try asideSchemas(database, of: "etl_state")
        XCTAssertEqual(aside.count, 1, "the old state must be kept: \(aside)")
        let asideSchema = try XCTUnwrap(aside.first)
        XCTAssertTrue(rebuild.stdout.contains("moved the previous state aside: \(database.url(user: database.server.passwordUser)) (schema \(asideSchema))"), rebuild.stdout)
        XCTAssertTrue(rebuild.stdout.contains(#"read it with state.schema set to "\#(asideSchema)""#), rebuild.stdout)
        XCTAssertFalse((rebuild.stdout + rebuild.stderr).contains(secret), "the password leaked: \(rebuild.stdout) \(rebuild.stderr)")
        // The schema held the state alone: it was renamed whole, its history and project id in it.
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM \(asideSchema).etl_runs WHERE status = 'ok'"), "4")
        XCTAssertEqual(try database.connection.scalar("SELECT value FROM \(asideSchema).etl_meta WHERE key = 'state_id'"), stateID)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM etl_state.etl_runs"), "0")

        let sinks = try committed(workspace, database)
        XCTAssertEqual(try watermarks(database, schema: "etl_state"), ["pg_people": sinks["pg_people"]?[0], "lite_people": sinks["lite_people"]?[0]])
        XCTAssertTrue(sinks.values.allSatisfy { $0.count == 2 && $0[0] != nil }, "\(sinks)")
        XCTAssertTrue(rebuild.stdout.contains("pg_people: watermark {"), rebuild.stdout)
        XCTAssertTrue(rebuild.stdout.contains("lite_people: watermark {"), rebuild.stdout)
        // The project id survived: both sinks still see this project as the owner of their targets.
        XCTAssertEqual(try database.connection.scalar("SELECT value FROM etl_state.etl_meta WHERE key = 'state_id'"), stateID)
        XCTAssertTrue(sinks.values.allSatisfy { $0[1] == stateID }, "\(sinks)")

        try assertTheLoadEndsWithEveryRowOnce(workspace, database)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM \(asideSchema).etl_runs"), "4", "the old history is left as it was")
    }

    func testARebuildOfAStateSharingItsSchemaMovesOnlyTheStateTablesAndKeepsItsHistoryReadable() throws {
        let database = try PostgresTestDatabase()
        // The state and the postgres sink's targets in one schema: renaming it would move the data.
        let workspace = try pipeline(database, stateSchema: "warehouse", sinkSchema: "warehouse")
        for _ in 0..<2 { XCTAssertEqual(try workspace.run(["run"]).status, 0) }
        try database.connection.execute(#"UPDATE warehouse.etl_control SET watermark = '{"offset": "garbage"}'"#)

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        let asideSchema = try XCTUnwrap(try asideSchemas(database, of: "warehouse").first)
        XCTAssertEqual(try tables(database, in: asideSchema), ["etl_control", "etl_meta", "etl_rejects", "etl_runs"])
        XCTAssertEqual(try tables(database, in: "warehouse"), ["_etl_state", "etl_control", "etl_meta", "etl_rejects", "etl_runs", "people"])
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM warehouse.people"), "600", "the sink's target stays where it was")
        let sinks = try committed(workspace, database, sinkSchema: "warehouse")
        XCTAssertEqual(try watermarks(database, schema: "warehouse"), ["pg_people": sinks["pg_people"]?[0], "lite_people": sinks["lite_people"]?[0]])

        // The old history reads as any state does, with state.schema pointed at it.
        try manifest(
            workspace, file: "aside.json", state: #"{"url": "\#(database.url())", "schema": "\#(asideSchema)"}"#, database: database,
            sinkSchema: "warehouse", entries: "[" + Self.peopleEntries + "]")
        let history = try workspace.run(["history", "--manifest", "aside.json", "--entry", "lite_people"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertEqual(history.stdout.split(separator: "\n").count, 3, "a header and the two old runs: \(history.stdout)")

        try assertTheLoadEndsWithEveryRowOnce(workspace, database, sinkSchema: "warehouse")
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM warehouse.etl_runs WHERE status = 'ok'"), "6")
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM \(asideSchema).etl_runs"), "4", "the old history is left as it was")
    }

    func testTheRolesThatReadTheOldStateCanReadTheRebuiltOne() throws {
        let database = try PostgresTestDatabase()
        let reader = "etl_dashboard_\(UInt32.random(in: 0...UInt32.max))"
        try database.connection.execute("CREATE ROLE \(reader)")
        defer { try? database.connection.execute("DROP OWNED BY \(reader); DROP ROLE \(reader)") }
        for (stateSchema, sinkSchema) in [("etl_state", "public"), ("warehouse", "warehouse")] {
            let workspace = try pipeline(database, stateSchema: stateSchema, sinkSchema: sinkSchema)
            XCTAssertEqual(try workspace.run(["run"]).status, 0)
            try database.connection.execute("""
                GRANT USAGE ON SCHEMA \(stateSchema) TO \(reader);
                GRANT SELECT ON \(stateSchema).etl_runs, \(stateSchema).etl_control TO \(reader);
                GRANT SELECT ON \(stateSchema).etl_rejects TO \(reader) WITH GRANT OPTION;
                GRANT SELECT ON \(stateSchema).etl_meta TO PUBLIC
                """)
            let rebuild = try workspace.run(["state", "rebuild"])
            XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
            let privileges = try database.connection.rows("""
                SELECT has_schema_privilege('\(reader)', '\(stateSchema)', 'USAGE'),
                       has_table_privilege('\(reader)', '\(stateSchema).etl_runs', 'SELECT'),
                       has_table_privilege('\(reader)', '\(stateSchema).etl_control', 'SELECT'),
                       has_table_privilege('\(reader)', '\(stateSchema).etl_rejects', 'SELECT WITH GRANT OPTION'),
                       has_table_privilege('\(reader)', '\(stateSchema).etl_runs', 'INSERT'),
                       has_table_privilege('public', '\(stateSchema).etl_meta', 'SELECT')
                """)
            XCTAssertEqual(privileges, [["t", "t", "t", "t", "f", "t"]], "state in schema \(stateSchema)")
        }
    }

    /// A role made for the test, dropped (with what it owns or was granted in `database`) at the end.
    private func role(_ prefix: String, _ database: PostgresTestDatabase) throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try database.connection.execute("CREATE ROLE \(name)")
        addTeardownBlock { try? database.connection.execute("DROP OWNED BY \(name); DROP ROLE \(name)") }
        return name
    }

    func testTheDefaultPrivilegesOfARenamedStateSchemaHoldInTheRebuiltOne() throws {
        let database = try PostgresTestDatabase()
        let reader = try role("etl_dashboard", database)
        let workspace = try pipeline(database, stateSchema: "etl_state")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // What an administrator sets so that the dashboard reads every table and view added there.
        try database.connection.execute("""
            ALTER DEFAULT PRIVILEGES IN SCHEMA etl_state GRANT SELECT ON TABLES TO \(reader);
            ALTER DEFAULT PRIVILEGES IN SCHEMA etl_state GRANT USAGE ON SEQUENCES TO \(reader) WITH GRANT OPTION
            """)

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        XCTAssertEqual(try asideSchemas(database, of: "etl_state").count, 1, "the schema held the state alone: it was renamed")
        XCTAssertFalse(rebuild.stderr.contains("not carried over"), rebuild.stderr)
        try database.connection.execute("CREATE VIEW etl_state.failures AS SELECT * FROM etl_state.etl_runs; CREATE SEQUENCE etl_state.ticket")
        XCTAssertEqual(try database.connection.rows("""
            SELECT has_table_privilege('\(reader)', 'etl_state.failures', 'SELECT'),
                   has_sequence_privilege('\(reader)', 'etl_state.ticket', 'USAGE WITH GRANT OPTION'),
                   has_table_privilege('\(reader)', 'etl_state.failures', 'INSERT')
            """), [["t", "t", "f"]])
        // The state's own new tables have the old tables' grants (none here), not the defaults.
        XCTAssertEqual(try database.connection.scalar("SELECT has_table_privilege('\(reader)', 'etl_state.etl_runs', 'SELECT')"), "f")
    }

    func testADefaultPrivilegeTheStateRoleMayNotSetIsNamedWithTheStatementToRunAndTheRebuildGoesOn() throws {
        let database = try PostgresTestDatabase(owner: try PostgresTestServer.require().passwordUser)
        let stateRole = database.server.passwordUser
        let reader = try role("etl_dashboard", database), loader = try role("etl_loader", database)
        let workspace = try pipeline(
            database, stateSchema: "etl_state", stateURL: database.url(user: stateRole), stateExtra: #", "password_env": "STATE_PASSWORD""#)
        try workspace.folder.write(".env", "STATE_PASSWORD=\(database.server.password)\n")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        // The superuser sets defaults for the state's role, and for a role it is not a member of.
        try database.connection.execute("""
            ALTER DEFAULT PRIVILEGES FOR ROLE \(stateRole) IN SCHEMA etl_state GRANT SELECT ON TABLES TO \(reader);
            ALTER DEFAULT PRIVILEGES FOR ROLE \(loader) IN SCHEMA etl_state GRANT SELECT, INSERT ON TABLES TO \(reader)
            """)

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        let notCarried = rebuild.stderr.split(separator: "\n").filter { $0.contains("was not carried over to the new one") }
        XCTAssertEqual(notCarried.count, 2, "one line per privilege of \(loader): \(rebuild.stderr)")
        for privilege in ["INSERT", "SELECT"] {
            XCTAssertTrue(notCarried.contains { $0.contains(
                #"ALTER DEFAULT PRIVILEGES FOR ROLE \#(loader) IN SCHEMA "etl_state" GRANT \#(privilege) ON TABLES TO \#(reader) "#) },
                "\(notCarried)")
        }
        XCTAssertTrue(notCarried.allSatisfy { $0.contains("the state's role is not a member of \(loader)") }, "\(notCarried)")
        XCTAssertTrue(notCarried.allSatisfy { $0.contains("run it as \(loader) or a superuser") }, "\(notCarried)")
        XCTAssertFalse(rebuild.stderr.contains(database.server.password))
        XCTAssertEqual(
            try database.connection.rows("""
                SELECT pg_get_userbyid(d.defaclrole), d.defaclobjtype, a.privilege_type, pg_get_userbyid(a.grantee)
                FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE d.defaclnamespace = 'etl_state'::regnamespace
                """),
            [[stateRole, "r", "SELECT", reader]], "the state role's own default was carried over")
        try assertTheLoadEndsWithEveryRowOnce(workspace, database)
    }

    func testAStateInThePublicSchemaIsNeverRenamedWithIt() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database, stateSchema: "public")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        let asideSchema = try XCTUnwrap(try asideSchemas(database, of: "public").first)
        XCTAssertEqual(try tables(database, in: asideSchema), ["etl_control", "etl_meta", "etl_rejects", "etl_runs"])
        XCTAssertEqual(try tables(database, in: "public"), ["_etl_state", "etl_control", "etl_meta", "etl_rejects", "etl_runs", "people"])
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM public.people"), "300")
    }

    func testARebuildTheStateRoleMayNotCarryOutChangesNothingAndSaysWhy() throws {
        let database = try PostgresTestDatabase()
        let role = database.server.passwordUser
        // An administrator made the schema and lets the state's role use it, but not create schemas.
        try database.connection.execute("CREATE SCHEMA etl_state; GRANT USAGE, CREATE ON SCHEMA etl_state TO \(role); REVOKE CREATE ON DATABASE \(database.name) FROM PUBLIC")
        let secret = database.server.password
        let workspace = try pipeline(
            database, stateSchema: "etl_state", stateURL: database.url(user: role), stateExtra: #", "password_env": "STATE_PASSWORD""#)
        try workspace.folder.write(".env", "STATE_PASSWORD=\(secret)\n")
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let runs = try database.connection.rows("SELECT run_id, entry_id, status FROM etl_state.etl_runs ORDER BY 1, 2")

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertNotEqual(rebuild.status, 0, rebuild.stdout)
        XCTAssertTrue(rebuild.stderr.contains("state rebuild changed nothing (the old state is as it was)"), rebuild.stderr)
        XCTAssertTrue(rebuild.stderr.contains("permission denied for database"), rebuild.stderr)
        XCTAssertTrue(rebuild.stderr.contains("needs CREATE on the database"), rebuild.stderr)
        XCTAssertFalse((rebuild.stdout + rebuild.stderr).contains(secret), rebuild.stderr)
        XCTAssertEqual(try asideSchemas(database, of: "etl_state"), [])
        XCTAssertEqual(try tables(database, in: "etl_state"), ["etl_control", "etl_meta", "etl_rejects", "etl_runs"])
        XCTAssertEqual(try database.connection.rows("SELECT run_id, entry_id, status FROM etl_state.etl_runs ORDER BY 1, 2"), runs)

        try database.connection.execute("GRANT CREATE ON DATABASE \(database.name) TO \(role)")
        let granted = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(granted.status, 0, granted.stderr + granted.stdout)
        let asideSchema = try XCTUnwrap(try asideSchemas(database, of: "etl_state").first)
        XCTAssertEqual(try database.connection.rows("SELECT run_id, entry_id, status FROM \(asideSchema).etl_runs ORDER BY 1, 2"), runs)
        try assertTheLoadEndsWithEveryRowOnce(workspace, database)
    }

    private func tables(_ database: PostgresTestDatabase, in schema: String) throws -> [String] {
        try database.connection.rows("SELECT tablename FROM pg_tables WHERE schemaname = '\(schema)' ORDER BY 1").map { $0[0] ?? "" }
    }

    func testAStateWhoseSchemaWasDroppedIsRebuiltAndTheSinksAskForOwnershipToBeTaken() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database, stateSchema: "etl_state")
        for _ in 0..<2 { XCTAssertEqual(try workspace.run(["run"]).status, 0) }
        try database.connection.execute("DROP SCHEMA etl_state CASCADE")

        let rebuild = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr + rebuild.stdout)
        XCTAssertFalse(rebuild.stdout.contains("moved the previous state"), rebuild.stdout)
        XCTAssertTrue(rebuild.stdout.contains("the project id could not be read from the old state"), rebuild.stdout)
        XCTAssertEqual(try asideSchemas(database, of: "etl_state"), [])
        let sinks = try committed(workspace, database)
        XCTAssertEqual(try watermarks(database, schema: "etl_state"), ["pg_people": sinks["pg_people"]?[0], "lite_people": sinks["lite_people"]?[0]])

        // A new project id: the sinks refuse targets another project owns, until it is taken over.
        let refused = try workspace.run(["run", "--entry", "pg_people"])
        XCTAssertNotEqual(refused.status, 0, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is owned by another etl-runtime project"), refused.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM public.people"), "600")
        try assertTheLoadEndsWithEveryRowOnce(workspace, database, arguments: ["--take-ownership"])
    }

    /// Starts entry "big" on `host` (a pipeline folder of another host), runs `state rebuild` in
    /// `workspace` while big is under way, then waits for big's run: the rebuild's outcome, and
    /// the run's exit status and stderr.
    private func rebuildWhileRunningBig(
        on host: RunWorkspace, _ workspace: RunWorkspace, _ database: PostgresTestDatabase
    ) throws -> (rebuild: ProcessOutcome, status: Int32, stderr: String) {
        let round = try host.startRun(["run", "--entry", "big"])
        try waitUntil("big under way", timeout: 60, interval: 0.005) {
            !round.process.isRunning || (try? database.connection.scalar(
                "SELECT count(*) FROM etl_state.etl_runs WHERE entry_id = 'big' AND status = 'running'")) == "1"
        }
        XCTAssertTrue(round.process.isRunning, "the other host's run ended before the rebuild could meet it")
        let rebuild = try workspace.run(["state", "rebuild"])
        let ended = finish(round)
        return (rebuild, ended.status, ended.stderr)
    }

    func testARebuildWhileAHostRunsAnEntryThisManifestDoesNotNameIsRefusedToo() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database, stateSchema: "etl_state")
        // Another host with a newer manifest: an entry the rebuilding host does not know of.
        let big = #", {"id": "big", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "big", "mode": "full", "batch_size": 20000}"#
        let newer = try pipeline(database, stateSchema: "etl_state", extraEntries: big)
        XCTAssertEqual(try workspace.run(["run", "--entry", "pg_people"]).status, 0)
        let (rebuild, roundStatus, roundErrors) = try rebuildWhileRunningBig(on: newer, workspace, database)
        XCTAssertEqual(rebuild.status, 75, rebuild.stderr + rebuild.stdout)
        XCTAssertTrue(rebuild.stderr.contains("runs are under way from this state (from "), rebuild.stderr)
        XCTAssertEqual(try asideSchemas(database, of: "etl_state"), [], "nothing may be moved while a host runs")
        XCTAssertEqual(roundStatus, 0, roundErrors)
        XCTAssertEqual(try database.connection.scalar("SELECT status FROM etl_state.etl_runs WHERE entry_id = 'big'"), "ok",
                       "the other host's run was recorded whole in the state")

        let later = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(later.status, 0, later.stderr + later.stdout)
        // A run waits for a rebuild under way rather than writing a state being moved: after it, it runs.
        XCTAssertEqual(try newer.run(["run", "--entry", "pg_people"]).status, 0)
    }

    func testARunStartedDuringARebuildWaitsForItAndThenRuns() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database, stateSchema: "etl_state")
        XCTAssertEqual(try workspace.run(["run", "--entry", "pg_people"]).status, 0)
        // What a rebuild holds while it moves the state: the state's run lock, alone.
        let rebuild = try PostgresTestConnection(database.keywords)
        try rebuild.execute("SELECT pg_advisory_lock(hashtextextended('etl-runtime runs of state etl_state', 0))")
        let round = try workspace.startRun(["run", "--entry", "pg_people"])
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(round.process.isRunning, "the run did not wait for the rebuild")
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM etl_state.etl_runs"), "1", "the run wrote the state meanwhile")
        try rebuild.execute("SELECT pg_advisory_unlock_all()")
        let ended = finish(round)
        XCTAssertEqual(ended.status, 0, ended.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM etl_state.etl_runs WHERE status = 'ok'"), "2")
    }

    func testARunWaitsAMinuteAtMostForARebuildThenExits75AndWritesNothing() throws {
        let database = try PostgresTestDatabase()
        let workspace = try pipeline(database, stateSchema: "etl_state")
        XCTAssertEqual(try workspace.run(["run", "--entry", "pg_people"]).status, 0)
        let rebuild = try PostgresTestConnection(database.keywords)
        try rebuild.execute("SELECT pg_advisory_lock(hashtextextended('etl-runtime runs of state etl_state', 0))")
        let started = Date()
        let run = try workspace.run(["run", "--entry", "pg_people"])
        XCTAssertEqual(run.status, 75, run.stderr)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 59, "the run gave up before its minute")
        XCTAssertTrue(run.stderr.contains("a `state rebuild` of "), run.stderr)
        XCTAssertTrue(run.stderr.contains("has held it for over 60s; run again once it has ended"), run.stderr)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM etl_state.etl_runs"), "1", "the run wrote the state")
    }

    func testARebuildWhileAnotherHostRunsAnEntryIsRefusedNamingItAndChangesNothing() throws {
        let database = try PostgresTestDatabase()
        let big = #", {"id": "big", "source": "gen", "stream": "rows", "sink": "warehouse", "target": "big", "mode": "full", "batch_size": 20000}"#
        let workspace = try pipeline(database, stateSchema: "etl_state", extraEntries: big)
        // Another host: a folder of its own (its own local locks), the same shared state.
        let other = try pipeline(database, stateSchema: "etl_state", extraEntries: big)
        XCTAssertEqual(try workspace.run(["run", "--entry", "pg_people"]).status, 0)
        let (rebuild, roundStatus, roundErrors) = try rebuildWhileRunningBig(on: other, workspace, database)
        XCTAssertEqual(rebuild.status, 75, rebuild.stderr + rebuild.stdout)
        XCTAssertTrue(rebuild.stderr.contains("entry big (held by host \(ProcessInfo.processInfo.hostName)) is being run by another host"), rebuild.stderr)
        XCTAssertTrue(rebuild.stderr.contains("rebuild the state once no run is under way on any host"), rebuild.stderr)
        XCTAssertFalse(rebuild.stderr.contains("pg_people ("), "only the held entry is named: \(rebuild.stderr)")
        XCTAssertEqual(try asideSchemas(database, of: "etl_state"), [], "nothing may be moved while a host runs an entry")
        XCTAssertEqual(roundStatus, 0, roundErrors)
        XCTAssertEqual(
            try database.connection.rows("SELECT entry_id, status FROM etl_state.etl_runs ORDER BY started_at"), [["pg_people", "ok"], ["big", "ok"]])

        // Once the other host is done, the rebuild goes ahead.
        let later = try workspace.run(["state", "rebuild"])
        XCTAssertEqual(later.status, 0, later.stderr + later.stdout)
        XCTAssertEqual(try asideSchemas(database, of: "etl_state").count, 1)
    }
}
