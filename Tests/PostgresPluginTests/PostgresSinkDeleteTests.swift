import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// The load option `delete_column` (ETL_CAP_DELETES) in PostgreSQL: the last batch column flags
/// rows that delete their key (merge) or close its current version (scd2); rows apply in order.
final class PostgresSinkDeleteTests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("city", .utf8), ("_etl_delete", .bool)])
    private let deletes = #"{"delete_column": "_etl_delete"}"#

    func testTheSinkDeclaresDeletes() throws {
        XCTAssertTrue(try makeSink().plugin.info.capabilities.contains("deletes"))
    }

    func testAFlaggedRowDeletesItsKeyInAMergeAndANullFlagLoads() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false], [2, "Rome", nil]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo", true]]], mode: .merge, key: ["id"], options: deletes), 1)
        XCTAssertEqual(try rows("SELECT id, city FROM customers ORDER BY id"), [["2", "Rome"]])
    }

    func testTheFlagColumnIsNeverAColumnOfTheTarget() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        try load(sink, "history", schema, [[[1, "Oslo", false]]], mode: .scd2, key: ["id"], options: deletes)
        let columns = "SELECT attname FROM pg_attribute WHERE attrelid = '%@'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        XCTAssertEqual(try rows(columns.replacingOccurrences(of: "%@", with: "customers")), [["id"], ["city"]])
        XCTAssertEqual(try rows(columns.replacingOccurrences(of: "%@", with: "history")),
                       [["id"], ["city"], ["_valid_from"], ["_valid_to"], ["_is_current"]])
    }

    func testRowsApplyInOrderSoTheLastOfAKeyWinsWithinAndAcrossBatches() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[
            [1, "Oslo", false], [1, "Oslo", true],                       // inserted, then deleted
            [2, "Rome", false], [2, "Rome", true], [2, "Milan", false],  // deleted, then back
        ], [[3, "Lima", false]], [[3, "Lima", true]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try rows("SELECT id, city FROM customers ORDER BY id"), [["2", "Milan"]])
    }

    func testDeletingAKeyThatIsNotThereIsANoOp() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[7, "Nowhere", true]]], mode: .merge, key: ["id"], options: deletes), 0)
        XCTAssertEqual(try load(sink, "history", schema, [[[7, "Nowhere", true]]], mode: .scd2, key: ["id"], options: deletes), 0)
        XCTAssertEqual(try rows("SELECT id FROM customers"), [["1"]])
        XCTAssertEqual(try rows("SELECT count(*) FROM history"), [["0"]])
    }

    func testAFlaggedRowClosesTheCurrentVersionInScd2AndAKeyThatComesBackStartsANewOne() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false], [2, "Rome", false]]], mode: .scd2, key: ["id"], options: deletes)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Bergen", true]]], mode: .scd2, key: ["id"], options: deletes), 1)
        XCTAssertEqual(try rows("SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customers ORDER BY id"),
                       [["1", "Oslo", "t", "f"], ["2", "Rome", "f", "t"]])
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .scd2, key: ["id"], options: deletes)
        XCTAssertEqual(try rows("SELECT count(*), count(*) FILTER (WHERE _is_current) FROM customers WHERE id = 1"), [["2", "1"]])
    }

    func testAnScd2DeleteIsDatedByTheValidFromColumnAndNeverBeforeTheCurrentVersion() throws {
        let dated = Batches.schema([("id", .int64), ("changed_on", .date32), ("_etl_delete", .bool)])
        let options = #"{"delete_column": "_etl_delete", "valid_from_column": "changed_on"}"#
        let sink = try makeSink()
        try load(sink, "customers", dated, [[[1, .date(days: 19_723), false], [2, .date(days: 19_732), false]]], mode: .scd2, key: ["id"], options: options)
        XCTAssertEqual(try load(sink, "customers", dated, [[[1, .date(days: 19_732), true], [2, .date(days: 19_723), true]]],
                                mode: .scd2, key: ["id"], options: options), 1)
        XCTAssertEqual(try rows("SELECT id, _valid_from::date, _valid_to::date, _is_current FROM customers ORDER BY id"),
                       [["1", "2024-01-01", "2024-01-10", "f"], ["2", "2024-01-10", nil, "t"]])
    }

    func testBadFlagsAreRefusedAtBegin() throws {
        let sink = try makeSink()
        let flagFirst = Batches.schema([("_etl_delete", .bool), ("id", .int64)])
        let textFlag = Batches.schema([("id", .int64), ("_etl_delete", .utf8)])
        for (schema, mode, expected) in [(flagFirst, WriteMode.merge, "must be the last column"), (textFlag, .merge, "must be a bool column"),
                                         (self.schema, .append, "applies to merge and scd2 loads only"),
                                         (self.schema, .replace, "applies to merge and scd2 loads only")] {
            let error = callError { try sink.begin(self.request("customers", schema, mode: mode, key: ["id"], options: self.deletes)) }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
            XCTAssertTrue(error?.message.contains(expected) ?? false, error?.message ?? "")
        }
    }

    func testAFailedLoadDeletesNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", false]]], mode: .merge, key: ["id"], options: deletes)
        XCTAssertNotNil(callError {
            try self.load(sink, "customers", self.schema, [[[1, "Oslo", true]], [[nil, "Nowhere", false]]],
                          mode: .merge, key: ["id"], options: self.deletes)
        })
        XCTAssertEqual(try rows("SELECT id FROM customers"), [["1"]])
    }
}
