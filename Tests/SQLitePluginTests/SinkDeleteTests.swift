import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// The load option `delete_column` (ETL_CAP_DELETES): the last batch column flags rows that
/// delete their key (merge) or close its current version (scd2) instead of being stored.
final class SinkDeleteTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("city", .utf8), ("_etl_delete", .bool)])
    private let deletes = #"{"delete_column": "_etl_delete"}"#

    func testSinkDeclaresTheDeletesCapability() throws {
        XCTAssertTrue(try makeSink().plugin.info.capabilities.contains("deletes"))
    }

    func testAFlaggedRowDeletesItsKeyInAMerge() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false], [2, "Rome", false]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo", true]]], mode: .merge, key: ["id"], options: deletes), 1)
        XCTAssertEqual(try database.rows("SELECT id, city FROM customers ORDER BY id"), [["2", "Rome"]])
    }

    func testANullFlagLoadsTheRowAsData() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", nil]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try database.rows("SELECT id, city FROM customers"), [["1", "Oslo"]])
    }

    func testTheFlagColumnIsNeverAColumnOfTheTarget() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        try load(sink, "history", schema, [[[1, "Oslo", false]]], mode: .scd2, key: ["id"], options: deletes)
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_table_info('customers') ORDER BY cid"), [["id"], ["city"]])
        XCTAssertEqual(try database.rows("SELECT name FROM pragma_table_info('history') ORDER BY cid"),
                       [["id"], ["city"], ["_valid_from"], ["_valid_to"], ["_is_current"]])
    }

    func testRowsOfOneBatchApplyInOrderSoTheLastOfAKeyWins() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[
            [1, "Oslo", false], [1, "Oslo", true],             // inserted, then deleted
            [2, "Rome", false], [2, "Rome", true], [2, "Milan", false],  // deleted, then back
        ]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try database.rows("SELECT id, city FROM customers ORDER BY id"), [["2", "Milan"]])
    }

    func testADeleteAcrossBatchesOfOneLoadFollowsRowOrder() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]], [[1, "Oslo", true]], [[3, "Lima", false]]],
                 mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try database.rows("SELECT id FROM customers ORDER BY id"), [["3"]])
    }

    func testDeletingAKeyThatIsNotThereIsANoOp() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[7, "Nowhere", true]]], mode: .merge, key: ["id"], options: deletes), 0)
        XCTAssertEqual(try load(sink, "history", schema, [[[7, "Nowhere", true]]], mode: .scd2, key: ["id"], options: deletes), 0)
        XCTAssertEqual(try database.rows("SELECT id FROM customers"), [["1"]])
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM history"), "0")
    }

    func testAFlaggedRowClosesTheCurrentVersionInScd2AndInsertsNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false], [2, "Rome", false]]], mode: .scd2, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Bergen", true]]], mode: .scd2, key: ["id"], options: deletes), 1)
        XCTAssertEqual(try database.rows("SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customers ORDER BY id"),
                       [["1", "Oslo", "1", "0"], ["2", "Rome", "0", "1"]])
        // A closed key that comes back starts a new version.
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .scd2, key: ["id"], options: deletes)
        XCTAssertEqual(try database.rows("SELECT count(*), sum(_is_current) FROM customers WHERE id = 1"), [["2", "1"]])
    }

    func testAnScd2DeleteIsDatedByTheValidFromColumnWhenItIsSet() throws {
        let dated = Batches.schema([("id", .int64), ("changed_on", .date32), ("_etl_delete", .bool)])
        let options = #"{"delete_column": "_etl_delete", "valid_from_column": "changed_on"}"#
        let sink = try makeSink()
        try load(sink, "customers", dated, [[[1, .date(days: 19_723), false]]], mode: .scd2, key: ["id"], options: options)
        try load(sink, "customers", dated, [[[1, .date(days: 19_732), true]]], mode: .scd2, key: ["id"], options: options)
        XCTAssertEqual(try database.rows("SELECT _valid_from, _valid_to, _is_current FROM customers"),
                       [["2024-01-01", "2024-01-10", "0"]])
    }

    func testAnScd2DeleteDatedBeforeTheCurrentVersionClosesNothing() throws {
        let dated = Batches.schema([("id", .int64), ("changed_on", .date32), ("_etl_delete", .bool)])
        let options = #"{"delete_column": "_etl_delete", "valid_from_column": "changed_on"}"#
        let sink = try makeSink()
        try load(sink, "customers", dated, [[[1, .date(days: 19_732), false]]], mode: .scd2, key: ["id"], options: options)
        XCTAssertEqual(try load(sink, "customers", dated, [[[1, .date(days: 19_723), true]]], mode: .scd2, key: ["id"], options: options), 0)
        XCTAssertEqual(try database.rows("SELECT _valid_from, _valid_to, _is_current FROM customers"), [["2024-01-10", "NULL", "1"]])
    }

    func testAnScd2DeleteIsDatedByTheLoadTimeOtherwise() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .scd2, key: ["id"], options: deletes)
        try load(sink, "customers", schema, [[[1, "Oslo", true]]], mode: .scd2, key: ["id"], options: deletes)
        let closed = try database.rows("SELECT _valid_from, _valid_to FROM customers")
        XCTAssertEqual(closed.count, 1)
        XCTAssertGreaterThanOrEqual(closed[0][1], closed[0][0], "the version ends when the second load began")
    }

    func testAFlagThatIsNotTheLastColumnIsRefusedAtBegin() throws {
        let flagFirst = Batches.schema([("_etl_delete", .bool), ("id", .int64)])
        let error = callError { try self.makeSink().begin(self.request("customers", flagFirst, mode: .merge, key: ["id"], options: self.deletes)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("must be the last column") ?? false, error?.message ?? "")
    }

    func testAFlagThatIsNotBoolIsRefusedAtBegin() throws {
        let textFlag = Batches.schema([("id", .int64), ("_etl_delete", .utf8)])
        let error = callError { try self.makeSink().begin(self.request("customers", textFlag, mode: .merge, key: ["id"], options: self.deletes)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("must be a bool column") ?? false, error?.message ?? "")
    }

    func testDeletesAreRefusedForAppendAndReplace() throws {
        for mode in [WriteMode.append, .replace] {
            let error = callError { try self.makeSink().begin(self.request("customers", self.schema, mode: mode, options: self.deletes)) }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, "\(mode)")
            XCTAssertTrue(error?.message.contains("applies to merge and scd2 loads only") ?? false, error?.message ?? "")
        }
    }

    func testAFailedLoadDeletesNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertNotNil(callError {
            try self.load(sink, "customers", self.schema, [[[1, "Oslo", true]], [[nil, "Nowhere", false]]],
                          mode: .merge, key: ["id"], options: self.deletes)
        })
        XCTAssertEqual(try database.rows("SELECT id FROM customers"), [["1"]])
    }
}
