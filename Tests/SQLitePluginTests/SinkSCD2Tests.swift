import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// `scd2`: history rows with _valid_from, _valid_to and _is_current.
final class SinkSCD2Tests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("city", .utf8)])

    func testAChangedRowClosesTheCurrentVersionAndAddsANewOne() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"], [2, "Rome"]]], mode: .scd2, key: ["id"]), 2)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Bergen"], [2, "Rome"]]], mode: .scd2, key: ["id"]), 1)
        XCTAssertEqual(try database.rows("SELECT id, city, _is_current, _valid_to IS NULL FROM customers ORDER BY id, _valid_from"),
                       [["1", "Oslo", "0", "0"], ["1", "Bergen", "1", "1"], ["2", "Rome", "1", "1"]])
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers a JOIN customers b ON a.id = b.id AND a._valid_to = b._valid_from"), "1")
    }

    func testUnchangedRowsAddNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"]), 0)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers"), "1")
    }

    func testANullValueCountsAsAChangeOnlyWhenItDiffers() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, nil]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, nil]]], mode: .scd2, key: ["id"]), 0)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"]), 1)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM customers"), "2")
    }

    func testTheHistoryTableKeepsOneCurrentVersionPerKeyWithAPartialUniqueIndex() throws {
        try load(try makeSink(), "customers", schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try database.rows("SELECT name, \"unique\", partial FROM pragma_index_list('customers')"),
                       [["etl_current_customers", "1", "1"]])
    }

    func testScd2IntoATableWithoutHistoryColumnsIsRefused() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo"]]], mode: .append)
        let error = callError { try sink.begin(self.request("customers", self.schema, mode: .scd2, key: ["id"])) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("without the scd2 history column") ?? false, error?.message ?? "")
    }
}
