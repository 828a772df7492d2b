import PluginTestSupport
import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import XCTest

/// SQL model entries run inside the sqlite sink (`run_model`): each materialization, rollback
/// on error, and the watermark bound as a parameter.
final class SinkModelTests: SinkTestCase {
    private func model(_ sql: String, _ target: String, _ materialization: Materialization, key: [String] = [],
                       cursor: String? = nil, state: String? = nil, initial: String? = nil) -> ModelRequest {
        ModelRequest(entryID: "model_" + target, runID: "run-1", target: target, sql: sql, materialization: materialization,
                     primaryKey: key, cursorField: cursor, stateJSON: state, initialValueJSON: initial)
    }

    private func stage() throws {
        try database.execute("""
            CREATE TABLE stage_orders (id INTEGER, customer TEXT, amount REAL, updated TEXT);
            INSERT INTO stage_orders VALUES (1, 'ana', 10, '2024-01-01'), (2, 'bo', 5, '2024-01-02'), (3, 'ana', 7, '2024-01-03');
            """)
    }

    func testATableModelReplacesTheTargetWithTheQueryRows() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT customer, sum(amount) AS revenue FROM stage_orders GROUP BY customer"
        XCTAssertEqual(try sink.runModel(model(sql, "fact_revenue", .table)).rows, 2)
        try database.execute("INSERT INTO stage_orders VALUES (4, 'cy', 1, '2024-01-04')")
        let result = try sink.runModel(model(sql, "fact_revenue", .table))
        XCTAssertEqual(result.rows, 3)
        XCTAssertEqual(result.reads, ["stage_orders"])
        XCTAssertEqual(try database.rows("SELECT customer, revenue FROM fact_revenue ORDER BY customer"),
                       [["ana", "17.0"], ["bo", "5.0"], ["cy", "1.0"]])
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '_etl_build_%'"), "0")
    }

    func testAFailingQueryKeepsThePreviousTableAndSaysTheEntryIsAtFault() throws {
        try stage()
        let sink = try makeSink()
        _ = try sink.runModel(model("SELECT customer FROM stage_orders", "dim_customer", .table))
        let error = callError { _ = try sink.runModel(self.model("SELECT customer, nope FROM stage_orders", "dim_customer", .table)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("no such column: nope") ?? false, error?.message ?? "")
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM dim_customer"), "3")
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '_etl_build_%'"), "0")
    }

    func testAViewOnATableModelKeepsWorkingAfterTheSwap() throws {
        try stage()
        let sink = try makeSink()
        _ = try sink.runModel(model("SELECT id, amount FROM stage_orders", "orders_t", .table))
        try database.execute("CREATE VIEW big_orders AS SELECT id FROM orders_t WHERE amount > 6")
        _ = try sink.runModel(model("SELECT id, amount * 10 AS amount FROM stage_orders", "orders_t", .table))
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM big_orders"), "3")
    }

    func testAViewModelIsReplacedAndABrokenOneKeepsTheOldView() throws {
        try stage()
        let sink = try makeSink()
        XCTAssertEqual(try sink.runModel(model("SELECT id FROM stage_orders WHERE customer = 'ana'", "ana_orders", .view)).rows, 0)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM ana_orders"), "2")
        XCTAssertEqual(try database.scalar("SELECT type FROM sqlite_schema WHERE name = 'ana_orders'"), "view")
        XCTAssertNotNil(callError { _ = try sink.runModel(self.model("SELECT id FROM missing_table", "ana_orders", .view)) })
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM ana_orders"), "2")
    }

    func testAnIncrementalModelInsertsOnlyRowsPastTheWatermarkAndCommitsTheNewOne() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, amount, updated FROM stage_orders WHERE updated > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders_log", .incremental, cursor: "updated", initial: #""2024-01-01""#))
        XCTAssertEqual(first.rows, 2)
        XCTAssertEqual(first.stateJSON, #"{"cursor_field":"updated","watermark":"2024-01-03"}"#)
        XCTAssertEqual(try sink.readState(entryID: "model_orders_log"), first.stateJSON)
        try database.execute("INSERT INTO stage_orders VALUES (4, 'cy', 1, '2024-01-04')")
        let second = try sink.runModel(model(sql, "orders_log", .incremental, cursor: "updated", state: first.stateJSON))
        XCTAssertEqual(second.rows, 1)
        let third = try sink.runModel(model(sql, "orders_log", .incremental, cursor: "updated", state: second.stateJSON))
        XCTAssertEqual(third.rows, 0)
        XCTAssertEqual(third.stateJSON, second.stateJSON, "no rows: the watermark stays")
        XCTAssertEqual(try database.rows("SELECT id FROM orders_log ORDER BY id"), [["2"], ["3"], ["4"]])
    }

    func testAnIncrementalModelWithAKeyMergesChangedRows() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, amount, updated FROM stage_orders WHERE {{watermark}} IS NULL OR updated > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders_cur", .incremental, key: ["id"], cursor: "updated"))
        XCTAssertEqual(first.rows, 3)
        try database.execute("UPDATE stage_orders SET amount = 99, updated = '2024-02-01' WHERE id = 1")
        XCTAssertEqual(try sink.runModel(model(sql, "orders_cur", .incremental, key: ["id"], cursor: "updated", state: first.stateJSON)).rows, 1)
        XCTAssertEqual(try database.rows("SELECT id, amount FROM orders_cur ORDER BY id"), [["1", "99.0"], ["2", "5.0"], ["3", "7.0"]])
    }

    func testAWatermarkHoldingAQuoteIsBoundNotPasted() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, updated FROM stage_orders WHERE updated > {{watermark}}"
        let hostile = #"{"cursor_field":"updated","watermark":"x' OR 1=1; DROP TABLE stage_orders; --"}"#
        let result = try sink.runModel(model(sql, "orders_log", .incremental, cursor: "updated", state: hostile))
        // Every stored date sorts before "x...": compared as a value, nothing is newer.
        XCTAssertEqual(result.rows, 0)
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM stage_orders"), "3")
    }

    func testAFailingIncrementalRunKeepsRowsAndState() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, updated FROM stage_orders WHERE updated > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders_log", .incremental, key: ["id"], cursor: "updated", initial: #""2000""#))
        XCTAssertNotNil(callError { _ = try sink.runModel(self.model(sql, "orders_log", .incremental, key: ["id"], cursor: "missing", state: nil)) })
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM orders_log"), "3")
        XCTAssertEqual(try sink.readState(entryID: "model_orders_log"), first.stateJSON)
    }

    func testTheWatermarkIsRefusedOutsideIncrementalModels() throws {
        let error = callError { _ = try self.makeSink().runModel(self.model("SELECT {{watermark}} AS w", "t", .table)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
    }
}
