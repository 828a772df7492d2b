import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// Each target's committed state belongs to one etl-runtime project (the id of its state
/// database, sent as `state_owner`): two projects loading one target would each think they start
/// from scratch and load everything.
final class SinkOwnershipTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64)])
    private let projectA = "a3f1c2d4e5f60718293a4b5c6d7e8f90"
    private let projectB = "b7e2d1c0f9e8d7c6b5a4f3e2d1c0b9a8"

    private func owner(_ id: String, takeOwnership: Bool = false) -> String {
        takeOwnership ? #"{"max_rejects": 0, "state_owner": "\#(id)", "take_ownership": true}"#
            : #"{"max_rejects": 0, "state_owner": "\#(id)"}"#
    }

    private func owners() throws -> [[String]] {
        try database.rows("SELECT entry_id, target, owner FROM _etl_state ORDER BY entry_id")
    }

    func testAnotherProjectIsRefusedATargetThatIsOwnedInEveryWriteMode() throws {
        let sink = try makeSink()
        try load(sink, "stage_adult", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "adult_stage", options: owner(projectA))
        for mode in [WriteMode.replace, .append, .merge, .scd2] {
            let key = mode == .merge || mode == .scd2 ? ["id"] : []
            let refused = callError {
                try sink.begin(self.request("stage_adult", self.schema, mode: mode, key: key, entry: "adult_copy", options: self.owner(self.projectB)))
            }
            XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG, "\(mode)")
            let message = refused?.message ?? ""
            XCTAssertTrue(message.contains(#"target "stage_adult" in \#(path!) is owned by another etl-runtime project (state database id \#(projectA), entry "adult_stage", last committed "#), message)
            XCTAssertTrue(message.contains("two projects loading one target would each load everything"), message)
            XCTAssertTrue(message.contains("--take-ownership"), message)
            try sink.abort()
        }
        XCTAssertEqual(try database.rows("SELECT id FROM stage_adult"), [["1"]])
        XCTAssertEqual(try owners(), [["adult_stage", "stage_adult", projectA]])
    }

    func testTargetsAreComparedAsSQLiteComparesTableNames() throws {
        let sink = try makeSink()
        try load(sink, "stage_adult", schema, [[[1]]], mode: .append, entry: "adult_stage", options: owner(projectA))
        let refused = callError { try sink.begin(self.request("Stage_Adult", self.schema, mode: .append, entry: "other", options: self.owner(self.projectB))) }
        XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG)
    }

    func testAnotherProjectIsRefusedAnEntryIDWhoseStateAnotherProjectHolds() throws {
        let sink = try makeSink()
        try load(sink, "t1", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "orders", options: owner(projectA))
        let refused = callError { try sink.begin(self.request("t2", self.schema, mode: .append, entry: "orders", options: self.owner(self.projectB))) }
        XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG)
        let message = refused?.message ?? ""
        XCTAssertTrue(message.contains(#"entry "orders" in \#(path!) holds the state of another etl-runtime project (state database id \#(projectA), target "t1", last committed "#), message)
        XCTAssertTrue(message.contains("--take-ownership"), message)
        XCTAssertEqual(try database.rows("SELECT name FROM sqlite_schema WHERE name = 't2'"), [])
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"n":1}"#)
    }

    func testTheOwnerKeepsLoadingItsOwnTargets() throws {
        let sink = try makeSink()
        for batch in 1...3 {
            try load(sink, "t", schema, [[[Cell.int(Int64(batch))]]], mode: .append, state: #"{"n":\#(batch)}"#, entry: "orders", options: owner(projectA))
        }
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM t"), "3")
        XCTAssertEqual(try owners(), [["orders", "t", projectA]])
    }

    func testTakingOwnershipLoadsAndThenRefusesTheFormerOwner() throws {
        let sink = try makeSink()
        try load(sink, "stage_adult", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "adult_stage", options: owner(projectA))
        try load(sink, "stage_adult", schema, [[[2]]], mode: .append, state: #"{"m":2}"#, entry: "adult_copy",
                 options: owner(projectB, takeOwnership: true))
        XCTAssertEqual(try database.rows("SELECT id FROM stage_adult ORDER BY id"), [["1"], ["2"]])
        // The former owner's state row on that target is handed over with it (state kept).
        XCTAssertEqual(try owners(), [["adult_copy", "stage_adult", projectB], ["adult_stage", "stage_adult", projectB]])
        XCTAssertEqual(try sink.readState(entryID: "adult_stage"), #"{"n":1}"#)

        let refused = callError {
            try sink.begin(self.request("stage_adult", self.schema, mode: .append, entry: "adult_stage", options: self.owner(self.projectA)))
        }
        XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(refused?.message.contains("state database id \(projectB)") ?? false, refused?.message ?? "")
        // The new owner no longer needs --take-ownership.
        try load(sink, "stage_adult", schema, [[[3]]], mode: .append, entry: "adult_copy", options: owner(projectB))
    }

    func testTakingOwnershipOfAnEntryIDReplacesTheFormerOwnersState() throws {
        let sink = try makeSink()
        try load(sink, "t1", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "orders", options: owner(projectA))
        try load(sink, "t2", schema, [[[2]]], mode: .append, state: #"{"n":2}"#, entry: "orders", options: owner(projectB, takeOwnership: true))
        XCTAssertEqual(try owners(), [["orders", "t2", projectB]])
        let refused = callError { try sink.begin(self.request("t1", self.schema, mode: .append, entry: "orders", options: self.owner(self.projectA))) }
        XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG)
    }

    func testAnAbortedTakeOverChangesNoOwner() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append, entry: "orders", options: owner(projectA))
        try sink.begin(request("t", schema, mode: .append, entry: "copy", options: owner(projectB, takeOwnership: true)))
        try sink.write(try Batches.make(schema, [[2]]))
        try sink.abort()
        XCTAssertEqual(try owners(), [["orders", "t", projectA]])
    }

    func testUnownedRowsAreClaimedByTheFirstOwnerToCommit() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append, state: #"{"n":1}"#, entry: "orders")
        XCTAssertEqual(try owners(), [["orders", "t", "NULL"]])
        try load(sink, "t", schema, [[[2]]], mode: .append, state: #"{"n":2}"#, entry: "orders", options: owner(projectA))
        XCTAssertEqual(try owners(), [["orders", "t", projectA]])
        let refused = callError { try sink.begin(self.request("t", self.schema, mode: .append, entry: "orders", options: self.owner(self.projectB))) }
        XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG)
    }

    func testWithoutAStateOwnerLoadsAreNotCheckedAndKeepTheOwner() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1]]], mode: .append, entry: "orders", options: owner(projectA))
        // An older runtime (or another host) sends no state_owner: the load runs as before.
        try load(sink, "t", schema, [[[2]]], mode: .append, state: #"{"n":2}"#, entry: "orders", options: #"{"max_rejects": 0}"#)
        try load(sink, "t", schema, [[[3]]], mode: .append, entry: "other")
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM t"), "3")
        XCTAssertEqual(try owners(), [["orders", "t", projectA], ["other", "t", "NULL"]])
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"n":2}"#)
    }

    func testAStateTableWithoutTheOwnerColumnIsMigratedInsideTheLoad() throws {
        try database.execute("""
            CREATE TABLE "_etl_state" (entry_id TEXT PRIMARY KEY, state_json TEXT, run_id TEXT, target TEXT, rows INTEGER, committed_at TEXT);
            INSERT INTO "_etl_state" VALUES ('orders', '{"n":1}', 'old-run', 't', 1, '2025-01-01 00:00:00.000');
            INSERT INTO "_etl_state" VALUES ('legacy', '{"k":7}', 'old-run', 'u', 5, '2025-01-01 00:00:00.000');
            """)
        let sink = try makeSink()
        // Rolled back with the load: the table is only altered by a load that commits.
        try sink.begin(request("t", schema, mode: .append, entry: "orders", options: owner(projectA)))
        try sink.abort()
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_table_info('_etl_state') WHERE name = 'owner'"), [])

        try load(sink, "t", schema, [[[2]]], mode: .append, state: #"{"n":2}"#, entry: "orders", options: owner(projectA))
        XCTAssertEqual(try owners(), [["legacy", "u", "NULL"], ["orders", "t", projectA]])
        XCTAssertEqual(try sink.readState(entryID: "legacy"), #"{"k":7}"#)
        XCTAssertEqual(try sink.readState(entryID: "orders"), #"{"n":2}"#)
    }

    func testAStateOwnerThatIsNotANonEmptyStringIsRefused() throws {
        let sink = try makeSink()
        for options in [#"{"state_owner": 7}"#, #"{"state_owner": ""}"#, #"{"state_owner": "a", "take_ownership": "yes"}"#] {
            let refused = callError { try sink.begin(self.request("t", self.schema, mode: .append, options: options)) }
            XCTAssertEqual(refused?.status, ETL_INVALID_CONFIG, options)
            XCTAssertTrue(refused?.message.contains("options.") ?? false, refused?.message ?? "")
            try sink.abort()
        }
    }
}
