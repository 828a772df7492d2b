import Foundation
import ETLArrow
import PluginTestSupport
import PostgresTestSupport
import TestSupport
import XCTest

/// `options.replace_by: "swap"`: the new rows are copied into a staging table over two
/// connections at once, and the load's transaction drops the old table and renames the staging
/// table into its place. The new table keeps the old one's columns, grants and comments; a target
/// that other objects depend on is replaced by delete instead; a failed load keeps the old table
/// and its staging table goes, now or at the next load.
final class PostgresSinkSwapTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])
    private let bySwap = #"{"entry_options": {"replace_by": "swap"}}"#

    private func people(_ count: Int, from first: Int = 1) -> [[[Cell]]] {
        [(first..<first + count).map { [.int(Int64($0)), .text("person \($0)")] }]
    }

    private func scalar(_ sql: String) throws -> String? { try rows(sql).first?.first ?? nil }

    private func stagingTables() throws -> [[String?]] {
        try rows("SELECT relname FROM pg_class WHERE relname LIKE '\\_etl\\_swap\\_%' ORDER BY 1")
    }

    func testASwapReplacesTheRowsWithANewTableCopiedOverTwoConnections() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(20_000), mode: .replace)
        let fresh = try XCTUnwrap(try scalar("SELECT pg_relation_size('people')").flatMap(Int.init))
        let before = try scalar("SELECT 'people'::regclass::oid")

        try load(sink, "people", schema, people(20_000, from: 100_001), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT count(*), min(id), max(id), count(DISTINCT name) FROM people"),
                       [["20000", "100001", "120000", "20000"]])
        XCTAssertNotEqual(try scalar("SELECT 'people'::regclass::oid"), before, "a new table took the old one's place")
        XCTAssertEqual(try scalar("SELECT count(DISTINCT xmin::text) FROM people"), "2",
                       "each of the two connections copied its share in a transaction of its own")
        // Not exactly a fresh load's size: the connections extend the table side by side, and
        // PostgreSQL adds spare pages when they wait on each other. A replace by delete doubles it.
        XCTAssertLessThan(try XCTUnwrap(try scalar("SELECT pg_relation_size('people')").flatMap(Int.init)), fresh * 3 / 2,
                          "no dead rows: about the size of a fresh load")
        XCTAssertEqual(try stagingTables(), [])
        XCTAssertEqual(try rows("SELECT target, rows FROM _etl_state WHERE entry_id = 'entry'"), [["people", "20000"]])
    }

    func testReadersReadTheOldRowsWhileTheSwapLoadsAndTheNewOnesAfterItsCommit() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        let reader = try PostgresTestConnection(database.keywords)
        // A reader that had to wait for the load (as with truncate) would fail on this timeout.
        try reader.execute("SET statement_timeout = '5s'")
        let lateReader = try PostgresTestConnection(database.keywords)
        try lateReader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")

        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, people(5_000, from: 10)[0]))
        XCTAssertEqual(try reader.scalar("SELECT count(*) FROM people"), "3", "the old rows, without waiting")
        _ = try sink.commit(stateJSON: nil)
        XCTAssertEqual(try reader.scalar("SELECT count(*) FROM people"), "5000")
        // Not MVCC-safe, like TRUNCATE: a snapshot older than the commit sees the new table empty.
        XCTAssertEqual(try lateReader.scalar("SELECT count(*) FROM people"), "0")
        try lateReader.execute("COMMIT")
    }

    func testTheSwapWaitsForATransactionThatReadTheOldTableAndNewReadersWaitForTheSwap() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        let reader = try PostgresTestConnection(database.keywords)
        try reader.execute("BEGIN")
        XCTAssertEqual(try reader.scalar("SELECT count(*) FROM people"), "3")
        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, people(2, from: 10)[0]))

        let committed = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let loading = sink
        DispatchQueue(label: "swap commit").async {
            do { _ = try loading.commit(stateJSON: nil) } catch { XCTFail("the swap failed: \(error)") }
            committed.signal()
        }
        XCTAssertEqual(committed.wait(timeout: .now() + 0.5), .timedOut, "the swap waits for the reading transaction")
        let newReader = try PostgresTestConnection(database.keywords)
        try newReader.execute("SET lock_timeout = '200ms'")
        XCTAssertThrowsError(try newReader.scalar("SELECT count(*) FROM people"), "a new reader waits for the swap")
        try reader.execute("COMMIT")
        XCTAssertEqual(committed.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try newReader.scalar("SELECT count(*) FROM people"), "2")
    }

    func testAServersIdleInTransactionTimeoutDoesNotEndTheLoadWhileTheOtherConnectionsCopy() throws {
        try database.connection.execute("ALTER DATABASE \(database.name) SET idle_in_transaction_session_timeout = '300ms'")
        let sink = try makeSink()
        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, people(1_000)[0]))
        Thread.sleep(forTimeInterval: 1)
        try sink.write(try Batches.make(schema, people(1_000, from: 1_001)[0]))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 2_000)
        XCTAssertEqual(try scalar("SELECT count(*) FROM people"), "2000")
    }

    func testTheNewTableKeepsTheColumnDefinitionsGrantsAndComments() throws {
        try database.connection.execute("""
            DO $$ BEGIN CREATE ROLE etl_swap_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE TABLE people (id integer NOT NULL, name varchar(40) COLLATE "C");
            COMMENT ON TABLE people IS 'everyone we know';
            COMMENT ON COLUMN people.name IS 'as they write it';
            GRANT SELECT ON people TO etl_swap_reader WITH GRANT OPTION;
            GRANT UPDATE (name) ON people TO etl_swap_reader;
            GRANT SELECT ON people TO PUBLIC;
            INSERT INTO people VALUES (1, 'old');
            """)
        let before = try scalar("SELECT 'people'::regclass::oid")
        try load(try makeSink(), "people", schema, people(3), mode: .replace, options: bySwap)

        XCTAssertNotEqual(try scalar("SELECT 'people'::regclass::oid"), before)
        XCTAssertEqual(try rows("SELECT id, name FROM people ORDER BY id"), [["1", "person 1"], ["2", "person 2"], ["3", "person 3"]])
        XCTAssertEqual(try rows("""
            SELECT attname, format_type(atttypid, atttypmod), attnotnull::text, coalesce(collname, '') FROM pg_attribute \
            LEFT JOIN pg_collation c ON c.oid = attcollation AND attcollation <> 100 \
            WHERE attrelid = 'people'::regclass AND attnum > 0 ORDER BY attnum
            """), [["id", "integer", "true", ""], ["name", "character varying(40)", "false", "C"]])
        XCTAssertEqual(try rows("SELECT obj_description('people'::regclass, 'pg_class'), col_description('people'::regclass, 2)"),
                       [["everyone we know", "as they write it"]])
        XCTAssertEqual(try rows("""
            SELECT has_table_privilege('etl_swap_reader', 'people', 'SELECT WITH GRANT OPTION')::text, \
            has_table_privilege('etl_swap_reader', 'people', 'INSERT')::text, \
            has_column_privilege('etl_swap_reader', 'people', 'name', 'UPDATE')::text, \
            has_column_privilege('etl_swap_reader', 'people', 'id', 'UPDATE')::text, \
            (SELECT count(*) FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = 'people'::regclass)) WHERE grantee = 0)::text
            """), [["true", "false", "true", "false", "1"]])
    }

    func testATargetAViewDependsOnIsReplacedByDeleteAndTheViewKeepsWorking() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try database.connection.execute("CREATE VIEW named AS SELECT name FROM people")
        let peopleTable = try scalar("SELECT 'people'::regclass::oid")

        try load(sink, "people", schema, people(2, from: 10), mode: .replace, options: bySwap)
        XCTAssertEqual(try scalar("SELECT 'people'::regclass::oid"), peopleTable, "the view binds to the table: it stays")
        XCTAssertEqual(try rows("SELECT name FROM named ORDER BY name"), [["person 10"], ["person 11"]])
        XCTAssertEqual(try stagingTables(), [])
    }

    /// Swaps `rows` new rows into `people`, and checks that a new table took its place and that
    /// `catalog` (of `entries` rows) describes it as it described the old one.
    private func assertASwapKeeps(_ catalog: (String) throws -> [[String?]], entries: Int, loading rows: Int,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try catalog("people")
        XCTAssertEqual(before.count, entries, file: file, line: line)
        let table = try scalar("SELECT 'people'::regclass::oid")
        try load(try makeSink(), "people", schema, people(rows), mode: .replace, options: bySwap)
        XCTAssertNotEqual(try scalar("SELECT 'people'::regclass::oid"), table, "swapped, not deleted", file: file, line: line)
        XCTAssertEqual(try catalog("people"), before, file: file, line: line)
    }

    /// The table's own indexes and constraints, as the catalog describes them.
    private func definitions(of table: String) throws -> [[String?]] {
        try rows("""
            SELECT 'index', indexname, replace(indexdef, '\(table)', 'T'), obj_description(quote_ident(indexname)::regclass, 'pg_class') FROM pg_indexes WHERE tablename = '\(table)' \
            UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conrelid = '\(table)'::regclass \
            UNION ALL SELECT 'default', attname, pg_get_expr(adbin, adrelid), NULL FROM pg_attrdef JOIN pg_attribute ON attrelid = adrelid AND attnum = adnum WHERE adrelid = '\(table)'::regclass \
            ORDER BY 1, 2
            """)
    }

    func testIndexesConstraintsAndDefaultsAreBuiltAgainOnTheNewTableWithTheirNamesAndComments() throws {
        try database.connection.execute("""
            CREATE TABLE people (id bigint CONSTRAINT people_key PRIMARY KEY, name text DEFAULT 'nobody' CHECK (name <> ''));
            CREATE UNIQUE INDEX "People by Name" ON people (lower(name)) WHERE id > 0;
            CREATE INDEX people_name ON people (name) WITH (fillfactor = 70);
            ALTER TABLE people ADD CONSTRAINT long_name CHECK (length(name) > 3) NOT VALID;
            ALTER TABLE people ADD CONSTRAINT one_each EXCLUDE USING btree (name WITH =);
            COMMENT ON INDEX "People by Name" IS 'one per name';
            COMMENT ON CONSTRAINT people_key ON people IS 'the key';
            INSERT INTO people VALUES (1, 'old one');
            """)
        try assertASwapKeeps(definitions(of:), entries: 9, loading: 4)
        XCTAssertEqual(try rows("SELECT count(*) FROM people"), [["4"]])
        XCTAssertEqual(try scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_etl\\_swap\\_%'"), "0")
        XCTAssertThrowsError(try database.connection.execute("INSERT INTO people VALUES (1, 'again')"), "the key holds")
        XCTAssertEqual(try rows("INSERT INTO people (id) VALUES (9) RETURNING name"), [["nobody"]])
    }

    func testRowsTheNewTablesKeyRefusesFailTheSwapAndKeepTheOldTable() throws {
        try database.connection.execute("CREATE TABLE people (id bigint PRIMARY KEY, name text); INSERT INTO people VALUES (1, 'old')")
        let sink = try makeSink()
        let failed = callError {
            try self.load(sink, "people", self.schema, [[[.int(5), .text("a")], [.int(5), .text("b")]]], mode: .replace, options: self.bySwap)
        }
        try? sink.abort()
        XCTAssertTrue(failed?.message.contains("could not create unique index") ?? false, failed?.message ?? "")
        XCTAssertEqual(try rows("SELECT id, name FROM people"), [["1", "old"]])
        XCTAssertEqual(try scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_etl\\_swap\\_%'"), "0")
    }

    func testEachThingANewTableWouldLoseMakesTheSwapReplaceByDelete() throws {
        try database.connection.execute("""
            DO $$ BEGIN CREATE ROLE etl_swap_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE FUNCTION unchanged() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
            """)
        let bound = [
            "ALTER TABLE people ALTER COLUMN id SET NOT NULL, ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY",
            "ALTER TABLE people ADD PRIMARY KEY (id) WITH (fillfactor = 80)",
            "CREATE TRIGGER kept BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION unchanged()",
            "ALTER TABLE people ADD PRIMARY KEY (id); CREATE TABLE visits (person bigint REFERENCES people (id))",
            "CREATE TABLE places (id bigint PRIMARY KEY); INSERT INTO places SELECT generate_series(1, 20); ALTER TABLE people ADD FOREIGN KEY (id) REFERENCES places (id)",
            "CREATE SEQUENCE people_numbers OWNED BY people.id",
            "CREATE MATERIALIZED VIEW people_copy AS SELECT * FROM people",
            "CREATE POLICY everyone ON people USING (true)",
            "ALTER TABLE people ENABLE ROW LEVEL SECURITY",
            "CREATE TABLE people_more () INHERITS (people)",
            "ALTER TABLE people ADD PRIMARY KEY (id); CREATE PUBLICATION people_changes FOR TABLE people",
            "ALTER TABLE people OWNER TO etl_swap_owner",
            "CREATE STATISTICS people_stats ON id, name FROM people",
        ]
        let sink = try makeSink()
        for setup in bound {
            try database.connection.execute("""
                DROP PUBLICATION IF EXISTS people_changes; DROP TABLE IF EXISTS visits, people_more, people, places CASCADE;
                """)
            try load(sink, "people", schema, people(3), mode: .replace)
            try database.connection.execute(setup)
            let before = try scalar("SELECT 'people'::regclass::oid")
            try load(sink, "people", schema, people(2, from: 10), mode: .replace, options: bySwap)
            XCTAssertEqual(try scalar("SELECT 'people'::regclass::oid"), before, "after: \(setup)")
            XCTAssertEqual(try rows("SELECT id FROM ONLY people ORDER BY id"), [["10"], ["11"]], "after: \(setup)")
        }
        XCTAssertEqual(try stagingTables(), [])
    }

    /// The table's and its columns' settings, as the catalog describes them.
    private func settings(of table: String) throws -> [[String?]] {
        try rows("""
            SELECT 'table', array_to_string(c.reloptions, ','), array_to_string(t.reloptions, ','), c.relreplident::text FROM pg_class c \
            LEFT JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = '\(table)'::regclass \
            UNION ALL SELECT 'column ' || attname, attstattarget::text, attstorage::text || '/' || attcompression::text, array_to_string(attoptions, ',') \
            FROM pg_attribute WHERE attrelid = '\(table)'::regclass AND attnum > 0 \
            UNION ALL SELECT 'index ' || x.relname, i.indisclustered::text, i.indisreplident::text, \
            (SELECT string_agg(attnum || '=' || attstattarget, ',') FROM pg_attribute WHERE attrelid = x.oid AND attstattarget >= 0) \
            FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = '\(table)'::regclass \
            ORDER BY 1
            """)
    }

    func testTheNewTableKeepsStorageParametersColumnSettingsReplicaIdentityAndClusterIndex() throws {
        try database.connection.execute("""
            CREATE TABLE people (id bigint NOT NULL, name text) WITH (fillfactor = 60, autovacuum_enabled = false, toast.autovacuum_enabled = false);
            ALTER TABLE people ALTER COLUMN name SET STATISTICS 400, ALTER COLUMN name SET STORAGE EXTERNAL,
                ALTER COLUMN name SET COMPRESSION pglz, ALTER COLUMN id SET (n_distinct = -1);
            CREATE UNIQUE INDEX people_id ON people (id);
            CREATE INDEX people_lower ON people (lower(name));
            ALTER INDEX people_lower ALTER COLUMN 1 SET STATISTICS 250;
            ALTER TABLE people REPLICA IDENTITY USING INDEX people_id, CLUSTER ON people_lower;
            """)
        try assertASwapKeeps(settings(of:), entries: 5, loading: 2_000)
        // The fill factor applied to the copied rows: 60 % full pages, not 100 %.
        XCTAssertGreaterThan(try XCTUnwrap(try scalar("SELECT pg_relation_size('people') / 8192").flatMap(Int.init)), 18)
        XCTAssertEqual(try rows("SELECT count(*) FROM people"), [["2000"]])
    }

    func testATargetInATablespaceOfItsOwnIsReplacedByDelete() throws {
        // The tablespace's folder must belong to the account the server runs as.
        let folder = database.server.folder + "/tablespace-\(database.name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let owner = try FileManager.default.attributesOfItem(atPath: database.server.folder + "/data")
        if let uid = owner[.ownerAccountID] as? NSNumber, let gid = owner[.groupOwnerAccountID] as? NSNumber {
            XCTAssertEqual(chown(folder, uid_t(uid.uint32Value), gid_t(gid.uint32Value)), 0)
        }
        let space = "etl_swap_space_\(database.name)"
        try database.connection.execute("CREATE TABLESPACE \(space) LOCATION '\(folder)'")
        defer { try? database.connection.execute("DROP TABLE IF EXISTS people; DROP TABLESPACE IF EXISTS \(space)") }
        try database.connection.execute("CREATE TABLE people (id bigint, name text) TABLESPACE \(space); INSERT INTO people VALUES (1, 'old')")
        let before = try scalar("SELECT 'people'::regclass::oid")

        try load(try makeSink(), "people", schema, people(2, from: 10), mode: .replace, options: bySwap)
        XCTAssertEqual(try scalar("SELECT 'people'::regclass::oid"), before, "replaced by delete: the table stays in its tablespace")
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["10"], ["11"]])
        XCTAssertEqual(try scalar("SELECT spcname FROM pg_class c JOIN pg_tablespace s ON s.oid = c.reltablespace WHERE c.oid = 'people'::regclass"), space)
        XCTAssertEqual(try stagingTables(), [])
    }

    func testALongTargetNameGetsAStagingTableNameWithinPostgreSQLsLimit() throws {
        let name = String(repeating: "ç", count: 31) // 62 bytes: its staging table's name must be cut
        let sink = try makeSink()
        try load(sink, name, schema, people(3), mode: .replace)
        try load(sink, name, schema, people(2, from: 7), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT id FROM \"\(name)\" ORDER BY id"), [["7"], ["8"]])
        XCTAssertEqual(try stagingTables(), [])
    }

    func testARoleThatMayNotCreateTablesInTheSchemaReplacesByDelete() throws {
        let role = database.server.passwordUser
        // The superuser makes _etl_state; the role owns the target but may not create tables.
        try load(try makeSink(), "setup", schema, people(1), mode: .replace)
        try database.connection.execute("""
            CREATE TABLE people (id bigint, name text); ALTER TABLE people OWNER TO \(role);
            GRANT ALL ON _etl_state TO \(role); REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            """)
        XCTAssertEqual(try scalar("SELECT has_schema_privilege('\(role)', 'public', 'CREATE')::text"), "false")
        setenv("ETL_TEST_PG_PASSWORD", database.server.password, 1)
        defer { unsetenv("ETL_TEST_PG_PASSWORD") }
        let sink = try PostgresPlugins.sink(configJSON: """
            {"url": "\(database.url(user: role))", "password_env": "ETL_TEST_PG_PASSWORD"}
            """)
        let before = try scalar("SELECT 'people'::regclass::oid")
        try load(sink, "people", schema, people(2), mode: .replace, options: bySwap)
        XCTAssertEqual(try scalar("SELECT 'people'::regclass::oid"), before)
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["1"], ["2"]])
    }

    func testAFailedSwapKeepsTheOldTableAndDropsItsStagingTable() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, people(5_000, from: 10)[0]))
        XCTAssertEqual(try stagingTables().count, 1, "the staging table exists, committed, while the load runs")
        XCTAssertNotNil(callError { try sink.write(try Batches.make(self.schema, [[.int(8), .text("bad\u{0}")]])) })
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        try sink.abort()
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["1"], ["2"], ["3"]])
        XCTAssertEqual(try stagingTables(), [])
    }

    func testACopyTheServerRefusesAtItsStartFailsTheSwapKeepsTheOldTableAndDropsTheStagingTable() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        // Each new staging table loses a column as it is made: PostgreSQL then refuses the COPY
        // into it before the COPY starts, on both connections, whose COPYs are sent before either
        // answer is read.
        try database.connection.execute("""
            CREATE FUNCTION drop_name() RETURNS event_trigger LANGUAGE plpgsql AS $$
            DECLARE made record;
            BEGIN
              FOR made IN SELECT objid::regclass AS rel FROM pg_event_trigger_ddl_commands() WHERE object_identity LIKE '%\\_etl\\_swap\\_%' LOOP
                EXECUTE format('ALTER TABLE %s DROP COLUMN name', made.rel);
              END LOOP;
            END $$;
            CREATE EVENT TRIGGER staging_loses_name ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION drop_name()
            """)
        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        let refused = callError { try sink.write(try Batches.make(self.schema, self.people(10, from: 10)[0])) }?.message ?? ""
        XCTAssertTrue(refused.contains(#"column "name" of relation"#) && refused.contains("does not exist"), refused)
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        try sink.abort()
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["1"], ["2"], ["3"]])
        XCTAssertEqual(try stagingTables(), [], "dropped over a connection whose refused COPY was read to its end")

        try database.connection.execute("DROP EVENT TRIGGER staging_loses_name")
        try load(try makeSink(), "people", schema, people(2, from: 20), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["20"], ["21"]])
    }

    func testAStagingTableLeftByALoadWhoseConnectionsDiedIsDroppedByTheNextLoad() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try sink.begin(request("people", schema, mode: .replace, options: bySwap))
        try sink.write(try Batches.make(schema, people(5_000, from: 10)[0]))
        // As when the worker is SIGKILLed: every connection of the load goes at once.
        try database.connection.execute("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() \
            AND application_name = 'etl-runtime'
            """)
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        try? sink.abort()
        XCTAssertEqual(try stagingTables().count, 1, "no connection was left to drop it")
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["1"], ["2"], ["3"]])

        try load(try makeSink(), "people", schema, people(2, from: 20), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["20"], ["21"]])
        XCTAssertEqual(try stagingTables(), [])
    }

    func testASwapOfNoRowsLeavesTheTableEmptyAndNewColumnsArrive() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try load(sink, "people", schema, [], mode: .replace, options: bySwap)
        XCTAssertEqual(try scalar("SELECT count(*) FROM people"), "0")

        let wider = Batches.schema([("id", .int64), ("name", .utf8), ("city", .utf8)])
        try load(sink, "people", wider, [[[.int(1), .text("Ana"), .text("Porto")]]], mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT id, name, city FROM people"), [["1", "Ana", "Porto"]])
    }

    func testASwapInTheSinksOwnSchemaStaysInIt() throws {
        let sink = try makeSink(", \"schema\": \"stage\"")
        try load(sink, "people", schema, people(3), mode: .replace)
        try load(sink, "people", schema, people(2, from: 5), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT id FROM stage.people ORDER BY id"), [["5"], ["6"]])
        XCTAssertEqual(try rows("SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = 'people'"),
                       [["stage", "people"]])
        XCTAssertEqual(try stagingTables(), [])
    }

    func testATableTheSwapCreatesHoldsTheRows() throws {
        try load(try makeSink(), "people", schema, people(10_000), mode: .replace, options: bySwap)
        XCTAssertEqual(try rows("SELECT count(*), sum(id) FROM people"), [["10000", "50005000"]])
        XCTAssertEqual(try stagingTables(), [])
    }
}
