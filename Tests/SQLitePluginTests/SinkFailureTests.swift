import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// A statement that fails inside a load fails the whole load: SQLite may have undone only that
/// statement, and committing the rest would silently lose rows.
final class SinkFailureTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])

    func testAFailedInsertIsNeverFollowedByACommitOfTheEarlierRows() throws {
        try database.execute("CREATE TABLE people (id INTEGER, name TEXT NOT NULL)")
        let sink = try makeSink()
        try sink.begin(request("people", schema, mode: .append))
        try sink.write(try Batches.make(schema, [[1, "a"], [2, "b"]]))
        let failed = callError { try sink.write(try Batches.make(self.schema, [[3, "c"], [4, nil]])) }
        XCTAssertEqual(failed?.status, ETL_BAD_DATA)
        XCTAssertTrue(failed?.message.contains("NOT NULL constraint failed: people.name") ?? false, failed?.message ?? "")
        XCTAssertTrue(failed?.message.contains("row 4 of the load") ?? false, failed?.message ?? "")
        XCTAssertTrue(failed?.message.contains(path) ?? false, failed?.message ?? "")
        let refused = callError { _ = try sink.commit(stateJSON: #"{"n":4}"#) }
        XCTAssertTrue(refused?.message.contains("nothing was committed") ?? false, refused?.message ?? "")
        try sink.abort()
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM people"), "0")
        XCTAssertNil(try sink.readState(entryID: "entry"))
    }

    func testAFailedReplaceKeepsTheOldTable() throws {
        try database.execute("CREATE TABLE people (id INTEGER CHECK (id > 0), name TEXT); INSERT INTO people VALUES (1, 'kept')")
        let sink = try makeSink()
        try sink.begin(request("people", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[5, "new"]]))
        _ = callError { try sink.write(try Batches.make(self.schema, [[-1, "bad"]])) }
        _ = callError { _ = try sink.commit(stateJSON: nil) }
        XCTAssertEqual(try database.rows("SELECT id, name FROM people"), [["1", "kept"]])
    }

    func testADiskFullLoadIsRolledBackWhole() throws {
        let sink = try makeSink()
        try load(sink, "people", schema, [[[0, "kept"]]], mode: .append)
        // The connection's page limit stands in for a full disk (SQLITE_FULL).
        try sink.executeSQL("PRAGMA max_page_count = \(try database.scalar("PRAGMA page_count"))")
        try sink.begin(request("people", schema, mode: .append))
        let rows = (1...5_000).map { [Cell.int(Int64($0)), Cell.text(String(repeating: "x", count: 200))] }
        let failed = callError { try sink.write(try Batches.make(self.schema, rows)) }
        XCTAssertEqual(failed?.status, ETL_IO_ERROR)
        // The page limit, not the disk, is what is full: the message must not blame the disk.
        XCTAssertTrue(failed?.message.contains("the database reached its max_page_count of") ?? false, failed?.message ?? "")
        XCTAssertFalse(failed?.message.contains("No space left on device") ?? true, failed?.message ?? "")
        _ = callError { _ = try sink.commit(stateJSON: nil) }
        XCTAssertEqual(try database.rows("SELECT id, name FROM people"), [["0", "kept"]])
    }

    func testWritesAfterAFailureAreRefused() throws {
        try database.execute("CREATE TABLE people (id INTEGER, name TEXT NOT NULL)")
        let sink = try makeSink()
        try sink.begin(request("people", schema, mode: .append))
        _ = callError { try sink.write(try Batches.make(self.schema, [[1, nil]])) }
        let refused = callError { try sink.write(try Batches.make(self.schema, [[2, "b"]])) }
        XCTAssertTrue(refused?.message.contains("already failed") ?? false, refused?.message ?? "")
        try sink.abort()
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM people"), "0")
    }

    func testALoadBlockedByAnotherWriterFailsAsRetryable() throws {
        let sink = try makeSink(#", "busy_timeout_ms": 50"#)
        try database.execute("CREATE TABLE people (id INTEGER, name TEXT); BEGIN IMMEDIATE")
        let error = callError { try sink.begin(self.request("people", self.schema, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_RETRYABLE)
        try database.execute("ROLLBACK")
    }

    /// Two entries of one run opening a new warehouse together: the second meets the first's
    /// setup lock for an instant, and a short busy_timeout_ms (meant for loads) must not fail it.
    func testOpeningAFileAnotherConnectionHoldsLockedForAnInstantWaitsForIt() throws {
        try database.execute("CREATE TABLE other (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO other VALUES (1)")
        nonisolated(unsafe) let holder = database!
        let released = expectation(description: "lock released")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            try? holder.execute("COMMIT")
            released.fulfill()
        }
        let sink = try makeSink(#", "busy_timeout_ms": 10"#)
        wait(for: [released], timeout: 10)
        try load(sink, "people", schema, [[[1, "Ada"]]], mode: .append)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM people"), "1")
    }
}
