import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// scd2's `valid_from_column` (a record's effective date dates its version) and `close_missing`
/// (a full snapshot closes the keys it lacks), as the runtime sends them in the load options.
final class SinkSCD2OptionsTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("city", .utf8), ("changed_on", .date32)])
    private let byDate = #"{"valid_from_column": "changed_on"}"#
    private let snapshot = #"{"close_missing": true}"#

    /// 2024-01-01 + `offset` days, as date32.
    private func day(_ offset: Int32) -> Cell { .date(days: 19_723 + offset) }

    func testTheEffectiveDateStartsTheVersionAndEndsTheOneItReplaces() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", day(0)]]], mode: .scd2, key: ["id"], options: byDate)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Bergen", day(9)]]], mode: .scd2, key: ["id"], options: byDate), 1)
        XCTAssertEqual(try database.rows("SELECT city, _valid_from, _valid_to, _is_current FROM customers ORDER BY _valid_from"),
                       [["Oslo", "2024-01-01", "2024-01-10", "0"], ["Bergen", "2024-01-10", "NULL", "1"]])
    }

    func testARecordOlderThanTheCurrentVersionDoesNotRewriteHistory() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Bergen", day(9)]]], mode: .scd2, key: ["id"], options: byDate)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo", day(0)]]], mode: .scd2, key: ["id"], options: byDate), 0)
        XCTAssertEqual(try database.rows("SELECT city, _valid_from, _valid_to, _is_current FROM customers"),
                       [["Bergen", "2024-01-10", "NULL", "1"]])
    }

    func testANullEffectiveDateFailsTheLoadNamingTheColumn() throws {
        let sink = try makeSink()
        let error = callError {
            try self.load(sink, "customers", self.schema, [[[1, "Oslo", nil]]], mode: .scd2, key: ["id"], options: self.byDate)
        }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("NULL in valid_from_column \"changed_on\"") ?? false, error?.message ?? "")
    }

    func testAValidFromColumnThatIsNotInTheLoadIsRefusedAtBegin() throws {
        let error = callError {
            try self.makeSink().begin(self.request("customers", self.schema, mode: .scd2, key: ["id"],
                                                   options: #"{"valid_from_column": "effective"}"#))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("valid_from_column \"effective\"") ?? false, error?.message ?? "")
    }

    func testANumericValidFromColumnIsRefused() throws {
        let error = callError {
            try self.makeSink().begin(self.request("customers", self.schema, mode: .scd2, key: ["id"],
                                                   options: #"{"valid_from_column": "id"}"#))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("needs a timestamp, a date or timestamp text") ?? false, error?.message ?? "")
    }

    func testTheOptionsAreRefusedForAnotherWriteMode() throws {
        let error = callError {
            try self.makeSink().begin(self.request("customers", self.schema, mode: .merge, key: ["id"], options: self.snapshot))
        }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
    }

    func testASnapshotClosesTheCurrentVersionOfKeysItLacks() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", day(0)], [2, "Rome", day(0)]], [[3, "Lima", day(0)]]],
                 mode: .scd2, key: ["id"], options: snapshot)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo", day(0)]], [[3, "Lima", day(0)]]],
                                mode: .scd2, key: ["id"], options: snapshot), 0)
        XCTAssertEqual(try database.rows("SELECT id, _is_current, _valid_to IS NOT NULL FROM customers ORDER BY id"),
                       [["1", "1", "0"], ["2", "0", "1"], ["3", "1", "0"]])
        // A key that comes back starts a new version.
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo", day(0)], [2, "Rome", day(0)], [3, "Lima", day(0)]]],
                                mode: .scd2, key: ["id"], options: snapshot), 1)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers WHERE id = 2"), "2")
    }

    func testWithoutCloseMissingAbsentKeysStayCurrent() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", day(0)], [2, "Rome", day(0)]]], mode: .scd2, key: ["id"])
        try load(sink, "customers", schema, [[[1, "Oslo", day(0)]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers WHERE _is_current = 1"), "2")
    }

    func testAFailedSnapshotClosesNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo", day(0)], [2, "Rome", day(0)]]], mode: .scd2, key: ["id"], options: snapshot)
        XCTAssertNotNil(callError {
            try self.load(sink, "customers", self.schema, [[[1, "Oslo", self.day(0)]], [[nil, "Nowhere", self.day(0)]]],
                          mode: .scd2, key: ["id"], options: self.snapshot)
        })
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers WHERE _is_current = 1"), "2")
    }
}
