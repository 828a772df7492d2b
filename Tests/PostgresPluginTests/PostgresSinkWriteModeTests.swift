import CETLPlugin
import ETLArrow
import PluginTestSupport
import XCTest

/// replace, append and merge, as their transactions leave the target.
final class PostgresSinkWriteModeTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8), ("score", .double)])

    func testAppendAddsRowsToWhatIsThere() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append), 1)
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "a", 1.0]], [[2, "b", 2.0]]], mode: .append), 2)
        XCTAssertEqual(try rows("SELECT count(*) FROM scores"), [["3"]])
    }

    func testReplaceLeavesExactlyTheLoadedRowsAndAViewOnTheTableKeepsWorking() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace)
        try database.connection.execute("CREATE VIEW top_scores AS SELECT name FROM scores WHERE score >= 2")
        try load(sink, "scores", schema, [[[3, "c", 3.0]], [[4, "d", 4.0]]], mode: .replace)
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["3"], ["4"]])
        XCTAssertEqual(try rows("SELECT name FROM top_scores ORDER BY name"), [["c"], ["d"]])
    }

    func testAFailedReplaceKeepsThePreviousRowsAndReadersNeverSeeAPartialTable() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .replace)
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[3, "c", 3.0]]))
        // Another session, mid-load: the old rows, not an empty or half table.
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["1"], ["2"]])
        XCTAssertNotNil(callError { try sink.write(try Batches.make(self.schema, [[4, "bad\u{0}", 4.0]])) })
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        XCTAssertEqual(try rows("SELECT id FROM scores ORDER BY id"), [["1"], ["2"]])
    }

    func testAnAbortedReplaceKeepsThePreviousRows() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .replace)
        try sink.begin(request("scores", schema, mode: .replace))
        try sink.write(try Batches.make(schema, [[3, "c", 3.0]]))
        try sink.abort()
        XCTAssertEqual(try rows("SELECT id FROM scores"), [["1"]])
    }

    func testMergeUpdatesExistingKeysAndInsertsNewOnes() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try load(sink, "scores", schema, [[[2, "b2", 20.0], [3, "c", 3.0]]], mode: .merge, key: ["id"]), 2)
        XCTAssertEqual(try rows("SELECT id, name, score FROM scores ORDER BY id"),
                       [["1", "a", "1"], ["2", "b2", "20"], ["3", "c", "3"]])
    }

    func testMergeKeepsTheLastRowOfAKeyWithinOneLoad() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "scores", schema, [[[1, "first", 1.0], [1, "second", 2.0]], [[1, "third", 3.0]]],
                                mode: .merge, key: ["id"]), 1)
        XCTAssertEqual(try rows("SELECT id, name FROM scores"), [["1", "third"]])
    }

    /// An empty target (new, or emptied since) takes a plain insert under a lock that keeps other
    /// writers out; the rows must be those an upsert would leave.
    func testAMergeIntoAnEmptiedTableInsertsTheLastRowOfEachKeyAndTheNextMergeUpserts() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0], [2, "b", 2.0]]], mode: .merge, key: ["id"])
        try database.connection.execute("DELETE FROM scores")
        XCTAssertEqual(try load(sink, "scores", schema, [[[2, "b1", 1.0], [3, "c", 3.0]], [[2, "b2", 2.0]]], mode: .merge, key: ["id"]), 2)
        XCTAssertEqual(try rows("SELECT id, name FROM scores ORDER BY id"), [["2", "b2"], ["3", "c"]])
        XCTAssertEqual(try load(sink, "scores", schema, [[[3, "c2", 30.0], [4, "d", 4.0]]], mode: .merge, key: ["id"]), 2)
        XCTAssertEqual(try rows("SELECT id, name FROM scores ORDER BY id"), [["2", "b2"], ["3", "c2"], ["4", "d"]])
    }

    func testMergeCreatesTheUniqueIndexItNeedsOnce() throws {
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .merge, key: ["id"])
        try load(sink, "scores", schema, [[[1, "b", 1.0]]], mode: .merge, key: ["id"])
        let indexes = try rows("SELECT indexname FROM pg_indexes WHERE tablename = 'scores'")
        XCTAssertEqual(indexes.count, 1)
        XCTAssertTrue(indexes.first?.first??.hasPrefix("etl_key_scores_") ?? false, "\(indexes)")
    }

    func testMergeUsesAnExistingPrimaryKeyInsteadOfAddingAnIndex() throws {
        try database.connection.execute("CREATE TABLE scores (id bigint PRIMARY KEY, name text, score double precision)")
        let sink = try makeSink()
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .merge, key: ["id"])
        try load(sink, "scores", schema, [[[1, "z", 9.0]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try rows("SELECT indexname FROM pg_indexes WHERE tablename = 'scores'"), [["scores_pkey"]])
        XCTAssertEqual(try rows("SELECT id, name FROM scores"), [["1", "z"]])
    }

    func testMergeOnACompositeKeyMatchesEveryKeyColumn() throws {
        let keyed = Batches.schema([("region", .utf8), ("id", .int64), ("value", .int64)])
        let sink = try makeSink()
        try load(sink, "sales", keyed, [[["eu", 1, 10], ["us", 1, 20]]], mode: .merge, key: ["region", "id"])
        try load(sink, "sales", keyed, [[["us", 1, 21]]], mode: .merge, key: ["region", "id"])
        XCTAssertEqual(try rows("SELECT region, id, value FROM sales ORDER BY region"), [["eu", "1", "10"], ["us", "1", "21"]])
    }

    func testMergeWhereEveryColumnIsKeyInsertsOnlyNewKeys() throws {
        let keyOnly = Batches.schema([("id", .int64)])
        let sink = try makeSink()
        try load(sink, "ids", keyOnly, [[[1], [2]]], mode: .merge, key: ["id"])
        XCTAssertEqual(try load(sink, "ids", keyOnly, [[[2], [3]]], mode: .merge, key: ["id"]), 1)
        XCTAssertEqual(try rows("SELECT id FROM ids ORDER BY id"), [["1"], ["2"], ["3"]])
    }

    func testMergeWithoutAPrimaryKeyIsRefused() throws {
        let sink = try makeSink()
        let error = callError { try sink.begin(self.request("scores", self.schema, mode: .merge)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("needs a primary_key") ?? false, error?.message ?? "")
    }

    func testMergeRefusesARowWithANullKeyAndCommitsNothing() throws {
        let sink = try makeSink()
        try sink.begin(request("scores", schema, mode: .merge, key: ["id"]))
        let error = callError { try sink.write(try Batches.make(self.schema, [[1, "a", 1.0], [nil, "b", 2.0]])) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2 of the load has NULL in primary key column \"id\"") ?? false, error?.message ?? "")
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        XCTAssertEqual(try rows("SELECT to_regclass('scores') IS NULL"), [["t"]])
    }

    func testTheSchemaKeyPutsTargetsAndStateInThatSchemaCreatingIt() throws {
        let sink = try makeSink(", \"schema\": \"Stage Area\"")
        try load(sink, "scores", schema, [[[1, "a", 1.0]]], mode: .append, state: "{\"offset\": 1}")
        XCTAssertEqual(try rows("SELECT count(*) FROM \"Stage Area\".scores"), [["1"]])
        XCTAssertEqual(try rows("SELECT state_json FROM \"Stage Area\"._etl_state"), [["{\"offset\": 1}"]])
        XCTAssertEqual(try rows("SELECT to_regclass('public.scores') IS NULL"), [["t"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"offset\": 1}")
    }
}
