import CETLPlugin
import ETLArrow
import PluginTestSupport
import XCTest

/// `_etl_state` commits in the same transaction as the rows, so state and data never disagree.
final class PostgresSinkStateTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64)])

    func testNoStateIsReadBeforeTheFirstLoad() throws {
        XCTAssertNil(try makeSink().readState(entryID: "entry"))
    }

    func testTheStateCommitsWithTheRowsAndIsReadBack() throws {
        let sink = try makeSink()
        try load(sink, "events", schema, [[[1], [2]]], mode: .append, state: "{\"offset\": 2}")
        try load(sink, "events", schema, [[[3]]], mode: .append, state: "{\"offset\": 3}")
        XCTAssertEqual(try makeSink().readState(entryID: "entry"), "{\"offset\": 3}")
        XCTAssertEqual(try rows("SELECT entry_id, state_json, run_id, target, rows FROM _etl_state"),
                       [["entry", "{\"offset\": 3}", "run-1", "events", "1"]])
    }

    func testAFailingBatchLeavesDataAndStateAsTheyWere() throws {
        let sink = try makeSink()
        try load(sink, "events", Batches.schema([("id", .int64), ("note", .utf8)]), [[[1, "a"]]], mode: .append, state: "{\"offset\": 1}")
        let noted = Batches.schema([("id", .int64), ("note", .utf8)])
        try sink.begin(request("events", noted, mode: .append))
        try sink.write(try Batches.make(noted, [[2, "b"]]))
        XCTAssertNotNil(callError { try sink.write(try Batches.make(noted, [[3, "nul\u{0}"]])) })
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: "{\"offset\": 3}") })
        XCTAssertEqual(try rows("SELECT id FROM events"), [["1"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "{\"offset\": 1}")
    }

    func testAnotherProjectsTargetIsRefusedUnlessOwnershipIsTaken() throws {
        let sink = try makeSink()
        try load(sink, "events", schema, [[[1]]], mode: .append, state: "{}", entry: "a", options: "{\"state_owner\": \"project-1\"}")
        let error = callError {
            try sink.begin(self.request("events", self.schema, mode: .append, entry: "b", options: "{\"state_owner\": \"project-2\"}"))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("is owned by another etl-runtime project (state database id project-1, entry \"a\"") ?? false, error?.message ?? "")
        try load(sink, "events", schema, [[[2]]], mode: .append, state: "{}", entry: "b",
                 options: "{\"state_owner\": \"project-2\", \"take_ownership\": true}")
        XCTAssertEqual(try rows("SELECT entry_id, owner FROM _etl_state ORDER BY entry_id"), [["a", "project-2"], ["b", "project-2"]])
    }

    func testTheStateTableCannotBeATarget() throws {
        let error = callError { try self.makeSink().begin(self.request("_etl_state", self.schema, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
    }
}
