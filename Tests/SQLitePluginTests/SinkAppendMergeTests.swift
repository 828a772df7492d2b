import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// `append` adds rows; `merge` upserts them on the primary key.
final class SinkAppendMergeTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8), ("score", .double)])

    func testAppendAddsRowsToWhatIsThere() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append), 1)
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .append), 2)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM scores"), "3")
    }

    func testMergeUpdatesExistingKeysAndInsertsNewOnes() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .merge, key: ["id"])
        let counted = try load(sink, "scores", schema, [[[2, "b2", 20.0], [3, "c", 3.0]]], mode: .merge, key: ["id"])
        XCTAssertEqual(counted, 2)
        XCTAssertEqual(try database.rows("SELECT id, name, score FROM scores ORDER BY id"),
                       [["1", "a", "1.0"], ["2", "b2", "20.0"], ["3", "c", "3.0"]])
    }

    func testMergeCreatesTheUniqueIndexItNeeds() throws {
        try load(try makeSink(), "scores", schema, [[[1, "a", 1.0]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try database.rows("SELECT name, \"unique\" FROM pragma_index_list('scores')"), [["etl_key_scores", "1"]])
    }

    func testMergeUsesAnExistingPrimaryKeyInsteadOfAddingAnIndex() throws {
        try database.execute("CREATE TABLE scores (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .merge, key: ["id"])
        try load(sink, "scores", schema, [[[1, "z", 9.0]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_index_list('scores')"), [])
        XCTAssertEqual(try database.rows("SELECT id, name FROM scores"), [["1", "z"]])
    }

    func testMergeOnACompositeKeyMatchesEveryKeyColumn() throws {
        let keyed = Batches.schema([("region", .utf8), ("id", .int64), ("value", .int64)])
        let sink = try makeSink()
        try load(sink, "sales", keyed, [[["eu", 1, 10], ["us", 1, 20]]], mode: .merge, key: ["region", "id"])
        try load(sink, "sales", keyed, [[["us", 1, 21]]], mode: .merge, key: ["region", "id"])
        XCTAssertEqual(try database.rows("SELECT region, id, value FROM sales ORDER BY region"), [["eu", "1", "10"], ["us", "1", "21"]])
    }

    func testMergeAfterAReplaceRebuiltTheTableRecreatesTheKeyIndex() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .merge, key: ["id"])
        // A replace with a changed type drops and recreates the table, and its index with it.
        let changed = Batches.schema([("id", .int64), ("name", .utf8), ("score", .utf8)])
        try load(sink, "scores", changed, [[[1, "a", "high"]]], mode: .replace)
        try load(sink, "scores", changed, [[[1, "b", "low"]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try database.rows("SELECT id, name, score FROM scores"), [["1", "b", "low"]])
    }

    func testMergeWithoutAPrimaryKeyIsRefused() throws {
        let sink = try makeSink()
        let error = callError { try sink.begin(self.request("scores", self.schema, mode: .merge)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("needs a primary_key") ?? false, error?.message ?? "")
    }

    func testMergeOnAKeyColumnMissingFromTheSchemaIsRefusedAtBegin() throws {
        let sink = try makeSink()
        let error = callError { try sink.begin(self.request("scores", self.schema, mode: .merge, key: ["customer_id"])) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("\"customer_id\" of the merge into \"scores\" is not among the load's columns") ?? false, error?.message ?? "")
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_schema WHERE name = 'scores'"), [])
    }

    func testMergeRefusesARowWithANullKeyAndCommitsNothing() throws {
        let sink = try makeSink()
        try sink.begin(request("scores", schema, mode: .merge, key: ["id"]))
        let error = callError { try sink.write(try Batches.make(self.schema, [[1, "a", 1.0], [nil, "b", 2.0]])) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2 of the load has NULL in primary key column \"id\"") ?? false, error?.message ?? "")
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_schema WHERE name = 'scores'"), [])
    }
}
