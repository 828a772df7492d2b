import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// `replace`: the target becomes exactly the loaded rows, atomically, in place.
final class SinkReplaceTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])

    func testReplacingTwiceLeavesTheSameTable() throws {
        let sink = try makeSink()
        let rows: [[Cell]] = [[1, "a"], [2, "b"], [3, "c"]]
        XCTAssertEqual(try load(sink, "people", schema, [rows], mode: .replace), 3)
        let first = try database.rows("SELECT id, name FROM people ORDER BY id")
        XCTAssertEqual(try load(sink, "people", schema, [Array(rows[0..<2]), [rows[2]]], mode: .replace), 3)
        XCTAssertEqual(try database.rows("SELECT id, name FROM people ORDER BY id"), first)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM people"), "3")
    }

    func testAUserViewOverTheTargetShowsTheNewDataAfterAReplace() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "old"]]], mode: .replace)
        try database.execute("CREATE VIEW people_names AS SELECT name FROM people")
        try load(sink, "people", schema, [[[2, "new"]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT name FROM people_names"), [["new"]])
    }

    func testAUserViewStillWorksWhenReplaceRebuildsTheTableForANewSchema() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "old"]]], mode: .replace)
        try database.execute("CREATE VIEW people_names AS SELECT name FROM people")
        // id changes type: replace rebuilds the table (inside the transaction, no rename).
        let changed = Batches.schema([("id", .utf8), ("name", .utf8)])
        try load(sink, "people", changed, [[["x-2", "new"]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT name FROM people_names"), [["new"]])
        XCTAssertEqual(try database.scalar("SELECT type FROM pragma_table_info('people') WHERE name = 'id'"), "TEXT")
    }

    func testReplaceDropsColumnsTheSourceNoLongerHas() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "a"]]], mode: .replace)
        try load(sink, "people", Batches.schema([("id", .int64)]), [[[7]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_table_info('people')"), [["id"]])
    }

    func testAnAbortedReplaceKeepsTheOldTable() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "kept"]]], mode: .replace)
        try sink.begin(request("people", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[2, "discarded"]]))
        try sink.abort()
        XCTAssertEqual(try database.rows("SELECT id, name FROM people"), [["1", "kept"]])
    }

    func testReadersSeeTheOldTableUntilTheReplaceCommits() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "old"]]], mode: .replace)
        try sink.begin(request("people", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[2, "new"], [3, "newer"]]))
        XCTAssertEqual(try database.rows("SELECT name FROM people"), [["old"]])
        _ = try sink.commit(stateJSON: nil)
        XCTAssertEqual(try database.rows("SELECT name FROM people ORDER BY id"), [["new"], ["newer"]])
    }

    func testAReplaceWhoseCommittedRowCountDiffersFromTheRowsWrittenFailsAndKeepsTheOldTable() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[1, "kept"]]], mode: .replace)
        // A user trigger that swallows some inserted rows: the count check must catch it.
        try database.execute("CREATE TRIGGER drop_even AFTER INSERT ON people WHEN NEW.id % 2 = 0 BEGIN DELETE FROM people WHERE rowid = NEW.rowid; END")
        let error = callError { try self.load(sink, "people", self.schema, [[[2, "b"], [3, "c"]]], mode: .replace) }
        XCTAssertTrue(error?.message.contains("wrote 2 rows but the table holds 1") ?? false, error?.message ?? "")
        try? sink.abort()
        XCTAssertEqual(try database.rows("SELECT id, name FROM people"), [["1", "kept"]])
    }
}
