import ETLArrow
import PluginTestSupport
import TestSupport
import XCTest

/// `options.replace_by` of a `write: replace` entry: `delete` (the default) keeps readers on the
/// old rows until the commit and leaves them as dead rows; `truncate` leaves no dead rows and
/// stores the new rows frozen, while readers wait for the load. A table the load creates takes
/// its rows frozen either way. Both keep the old rows when the load fails.
final class PostgresSinkReplaceByTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])
    private let byTruncate = #"{"entry_options": {"replace_by": "truncate"}}"#

    private func people(_ count: Int, from first: Int = 1) -> [[[Cell]]] {
        [(first..<first + count).map { [.int(Int64($0)), .text("person \($0)")] }]
    }

    private func scalar(_ sql: String) throws -> String? { try rows(sql).first?.first ?? nil }

    /// Pages of `table` and how many of them the visibility map marks all-frozen.
    private func frozenPages(_ table: String) throws -> (pages: Int, frozen: Int) {
        try database.connection.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility")
        let row = try rows("SELECT pg_relation_size('\(table)') / current_setting('block_size')::int, all_frozen FROM pg_visibility_map_summary('\(table)')")
        return (Int(row[0][0] ?? "") ?? -1, Int(row[0][1] ?? "") ?? -1)
    }

    func testATableTheLoadCreatesStoresItsRowsFrozen() throws {
        try load(try makeSink(), "people", schema, people(5_000), mode: .append)
        let (pages, frozen) = try frozenPages("people")
        XCTAssertGreaterThan(pages, 10)
        XCTAssertEqual(frozen, pages, "COPY FREEZE into the table created in the load's transaction")
    }

    func testReplaceByDeleteLeavesTheOldRowsDeadAndTruncateLeavesNone() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(5_000), mode: .replace)
        let fresh = try XCTUnwrap(try scalar("SELECT pg_relation_size('people')").flatMap(Int.init))

        try load(sink, "people", schema, people(5_000, from: 10_001), mode: .replace)
        let afterDelete = try XCTUnwrap(try scalar("SELECT pg_relation_size('people')").flatMap(Int.init))
        XCTAssertGreaterThanOrEqual(afterDelete, 2 * fresh - 8192, "the deleted rows still take their pages")
        XCTAssertLessThan(try frozenPages("people").frozen, try frozenPages("people").pages)

        try load(sink, "people", schema, people(5_000, from: 20_001), mode: .replace, options: byTruncate)
        XCTAssertEqual(try scalar("SELECT pg_relation_size('people')").flatMap(Int.init), fresh, "no dead rows: the size of a fresh load")
        let (pages, frozen) = try frozenPages("people")
        XCTAssertEqual(frozen, pages)
        XCTAssertEqual(try rows("SELECT count(*), min(id), max(id) FROM people"), [["5000", "20001", "25000"]])
    }

    func testAFailedReplaceByTruncateKeepsThePreviousRowsAndAViewOnTheTableKeepsWorking() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try database.connection.execute("CREATE VIEW named AS SELECT name FROM people")
        try sink.begin(request("people", schema, mode: .replace, options: byTruncate))
        try sink.write(try Batches.make(schema, [[.int(7), .text("seven")]]))
        XCTAssertNotNil(callError { try sink.write(try Batches.make(self.schema, [[.int(8), .text("bad\u{0}")]])) })
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        try sink.abort() // as the host ends a load whose commit failed
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["1"], ["2"], ["3"]])

        try load(sink, "people", schema, [[[.int(9), .text("nine")]]], mode: .replace, options: byTruncate)
        XCTAssertEqual(try rows("SELECT name FROM named"), [["nine"]])
    }

    func testATableAForeignKeyReferencesIsReplacedByDeleteSincePostgreSQLCannotTruncateIt() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, people(3), mode: .replace)
        try database.connection.execute("ALTER TABLE people ADD PRIMARY KEY (id); CREATE TABLE visits (person bigint REFERENCES people (id))")
        try load(sink, "people", schema, people(2, from: 10), mode: .replace, options: byTruncate)
        XCTAssertEqual(try rows("SELECT id FROM people ORDER BY id"), [["10"], ["11"]])
        XCTAssertEqual(try scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'people'::regclass"), "1")
    }

    func testAPartitionedTableIsTruncatedAndLoadedWithoutFreezing() throws {
        try database.connection.execute("""
            CREATE TABLE people (id bigint, name text) PARTITION BY RANGE (id);
            CREATE TABLE people_low PARTITION OF people FOR VALUES FROM (0) TO (100);
            CREATE TABLE people_high PARTITION OF people FOR VALUES FROM (100) TO (MAXVALUE);
            INSERT INTO people VALUES (1, 'old'), (150, 'old');
            """)
        try load(try makeSink(), "people", schema, [[[.int(5), .text("new")], [.int(500), .text("new")]]],
                 mode: .replace, options: byTruncate)
        XCTAssertEqual(try rows("SELECT tableoid::regclass::text, id, name FROM people ORDER BY id"),
                       [["people_low", "5", "new"], ["people_high", "500", "new"]])
    }

    func testTheSinkRefusesAnUnknownMethodAndAnotherWriteMode() throws {
        let sink = try makeSink()
        let unknown = callError { try sink.begin(self.request("people", self.schema, mode: .replace,
                                                               options: #"{"entry_options": {"replace_by": "drop"}}"#)) }
        XCTAssertTrue(unknown?.message.contains(#"options.replace_by is "drop"; expected "delete", "truncate" or "swap""#) ?? false, "\(String(describing: unknown))")
        let append = callError { try sink.begin(self.request("people", self.schema, mode: .append, options: self.byTruncate)) }
        XCTAssertTrue(append?.message.contains("options.replace_by applies to write mode replace only") ?? false, "\(String(describing: append))")
        XCTAssertEqual(try scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'people'"), "0")
    }

    func testValidateRefusesReplaceByOnAnEntryThatDoesNotReplace() throws {
        let folder = TemporaryDirectory("etl-replace-by")
        try folder.write("people.csv", "id,name\n1,Ana\n")
        try folder.write("plugins.json", """
            {"manifest_version": 1,
             "sources": {"file": {"plugin": "csv", "config": {"path": "people.csv"}}},
             "sinks": {"warehouse": {"plugin": "postgres", "config": {"url": "\(database.url())"}}},
             "control_table": [{"id": "people", "source": "file", "stream": "people", "sink": "warehouse", "target": "people",
                                "mode": "full", "write": "append", "options": {"replace_by": "truncate"}}]}
            """)
        let outcome = try ProcessRunner.etlRuntime(["validate", "--manifest", folder.file("plugins.json")], currentDirectory: folder.path)
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("options.replace_by") && outcome.stderr.contains(#"applies to write "replace" only"#), outcome.stderr)
    }
}
