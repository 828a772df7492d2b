import PluginTestSupport
import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import XCTest

/// SQL model entries run inside PostgreSQL (`run_model`, ETL_CAP_MODELS): each materialization,
/// lineage from the plan, rollback on error, and the watermark bound as `$1`.
final class PostgresSinkModelTests: PostgresSinkTestCase {
    private func model(_ sql: String, _ target: String, _ materialization: Materialization, key: [String] = [],
                       cursor: String? = nil, state: String? = nil, initial: String? = nil) -> ModelRequest {
        ModelRequest(entryID: "model_" + target, runID: "run-1", target: target, sql: sql, materialization: materialization,
                     primaryKey: key, cursorField: cursor, stateJSON: state, initialValueJSON: initial)
    }

    private func stage() throws {
        try database.connection.execute("""
            CREATE TABLE stage_orders (id bigint, customer text, amount numeric(10,2), updated timestamptz);
            INSERT INTO stage_orders VALUES (1, 'ana', 10, '2024-01-01Z'), (2, 'bo', 5, '2024-01-02Z'), (3, 'ana', 7, '2024-01-03Z');
            """)
    }

    private func state(_ entry: String) throws -> String? {
        try rows("SELECT state_json FROM _etl_state WHERE entry_id = '\(entry)'").first?.first ?? nil
    }

    func testTheSinkDeclaresModels() throws {
        XCTAssertTrue(try makeSink().plugin.info.capabilities.contains("models"))
    }

    func testATableModelReplacesTheTargetAndAViewOnItKeepsWorking() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT customer, sum(amount) AS revenue FROM stage_orders GROUP BY customer;"
        XCTAssertEqual(try sink.runModel(model(sql, "fact_revenue", .table)).rows, 2)
        try database.connection.execute("CREATE VIEW big_customers AS SELECT customer FROM fact_revenue WHERE revenue > 4")
        try database.connection.execute("INSERT INTO stage_orders VALUES (4, 'cy', 6, '2024-01-04Z')")
        let result = try sink.runModel(model(sql, "fact_revenue", .table))
        XCTAssertEqual(result.rows, 3)
        XCTAssertEqual(result.reads, ["stage_orders"])
        XCTAssertEqual(try rows("SELECT customer, revenue FROM fact_revenue ORDER BY customer"), [["ana", "17.00"], ["bo", "5.00"], ["cy", "6.00"]])
        XCTAssertEqual(try rows("SELECT customer FROM big_customers ORDER BY customer"), [["ana"], ["bo"], ["cy"]])
        XCTAssertEqual(try rows("SELECT run_id, rows FROM _etl_state WHERE entry_id = 'model_fact_revenue'"), [["run-1", "3"]])
    }

    func testATableModelWhoseColumnsChangedIsRecreated() throws {
        try stage()
        let sink = try makeSink()
        _ = try sink.runModel(model("SELECT customer FROM stage_orders", "dim_customer", .table))
        XCTAssertEqual(try sink.runModel(model("SELECT DISTINCT customer, 1 AS rank FROM stage_orders", "dim_customer", .table)).rows, 2)
        XCTAssertEqual(try rows("SELECT customer, rank FROM dim_customer ORDER BY customer"), [["ana", "1"], ["bo", "1"]])
    }

    func testAFailingQueryKeepsThePreviousTableAndStateAndSaysTheEntryIsAtFault() throws {
        try stage()
        let sink = try makeSink()
        _ = try sink.runModel(model("SELECT customer FROM stage_orders", "dim_customer", .table))
        let error = callError { _ = try sink.runModel(self.model("SELECT customer, nope FROM stage_orders", "dim_customer", .table)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("the SQL of model \"model_dim_customer\" failed, and \"public\".\"dim_customer\" was left as it was") ?? false,
                      error?.message ?? "")
        XCTAssertEqual(try rows("SELECT count(*) FROM dim_customer"), [["3"]])
        XCTAssertEqual(try rows("SELECT run_id FROM _etl_state WHERE entry_id = 'model_dim_customer'"), [["run-1"]])
        // The sink's connection is usable again.
        XCTAssertEqual(try sink.runModel(model("SELECT 1 AS one", "dim_customer", .table)).rows, 1)
    }

    func testAViewModelIsReplacedEvenWhenItsColumnsChangeAndABrokenOneKeepsTheOldView() throws {
        try stage()
        let sink = try makeSink()
        let first = try sink.runModel(model("SELECT id FROM stage_orders WHERE amount > 6", "v_big", .view))
        XCTAssertEqual(first.rows, 0)
        XCTAssertEqual(first.reads, ["stage_orders"])
        _ = try sink.runModel(model("SELECT customer, id FROM stage_orders WHERE amount > 8", "v_big", .view))
        XCTAssertEqual(try rows("SELECT customer, id FROM v_big"), [["ana", "1"]])
        XCTAssertNotNil(callError { _ = try sink.runModel(self.model("SELECT nope FROM stage_orders", "v_big", .view)) })
        XCTAssertEqual(try rows("SELECT customer, id FROM v_big"), [["ana", "1"]])
        XCTAssertEqual(try rows("SELECT relkind::text FROM pg_class WHERE relname = 'v_big'"), [["v"]])
    }

    func testAnIncrementalModelInsertsOnlyRowsPastTheWatermarkAndCommitsTheNewOne() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, customer, updated FROM stage_orders WHERE {{watermark}}::timestamptz IS NULL OR updated > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders", .incremental, cursor: "updated"))
        XCTAssertEqual(first.rows, 3)
        XCTAssertEqual(first.reads, ["stage_orders"])
        XCTAssertEqual(first.stateJSON, #"{"cursor_field": "updated", "watermark": "2024-01-03 00:00:00+00"}"#)
        XCTAssertEqual(try state("model_orders"), first.stateJSON)
        try database.connection.execute("INSERT INTO stage_orders VALUES (4, 'cy', 1, '2024-01-04Z')")
        let second = try sink.runModel(model(sql, "orders", .incremental, cursor: "updated", state: first.stateJSON))
        XCTAssertEqual(second.rows, 1)
        XCTAssertEqual(try rows("SELECT count(*), count(DISTINCT id) FROM orders"), [["4", "4"]])
        // No new rows: the watermark stays.
        let third = try sink.runModel(model(sql, "orders", .incremental, cursor: "updated", state: second.stateJSON))
        XCTAssertEqual(third.rows, 0)
        XCTAssertEqual(third.stateJSON, second.stateJSON)
    }

    func testAnIncrementalModelWithAKeyMergesAndANumericWatermarkStaysANumber() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, customer, amount FROM stage_orders WHERE id > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders", .incremental, key: ["id"], cursor: "id", initial: "1"))
        XCTAssertEqual(first.rows, 2)
        XCTAssertEqual(first.stateJSON, #"{"cursor_field": "id", "watermark": 3}"#)
        try database.connection.execute("UPDATE stage_orders SET amount = 99 WHERE id = 3; INSERT INTO stage_orders VALUES (4, 'cy', 1, now())")
        _ = try sink.runModel(model(sql, "orders", .incremental, key: ["id"], cursor: "id", state: #"{"cursor_field": "id", "watermark": 2}"#))
        XCTAssertEqual(try rows("SELECT id, amount FROM orders ORDER BY id"), [["2", "5.00"], ["3", "99.00"], ["4", "1.00"]])
    }

    func testAWatermarkHoldingAQuoteIsBoundNotPasted() throws {
        try database.connection.execute("CREATE TABLE names (name text); INSERT INTO names VALUES ('a'), ('o''brien'), ('z')")
        let sink = try makeSink()
        let result = try sink.runModel(model("SELECT name FROM names WHERE name > {{watermark}}", "later", .incremental, cursor: "name",
                                             state: #"{"cursor_field": "name", "watermark": "o'b"}"#))
        XCTAssertEqual(result.rows, 2)
        XCTAssertEqual(try rows("SELECT name FROM later ORDER BY name"), [["o'brien"], ["z"]])
    }

    func testAFailingIncrementalRunKeepsRowsAndState() throws {
        try stage()
        let sink = try makeSink()
        let sql = "SELECT id, updated FROM stage_orders WHERE {{watermark}}::timestamptz IS NULL OR updated > {{watermark}}"
        let first = try sink.runModel(model(sql, "orders", .incremental, cursor: "updated"))
        try database.connection.execute("INSERT INTO stage_orders VALUES (4, 'cy', 1, '2024-01-04Z')")
        // 1/0 fails after the rows were built: nothing of this run may stay.
        XCTAssertNotNil(callError {
            _ = try sink.runModel(self.model(sql + " AND 1 / (id - 4) = 0", "orders", .incremental, cursor: "updated", state: first.stateJSON))
        })
        XCTAssertEqual(try rows("SELECT count(*) FROM orders"), [["3"]])
        XCTAssertEqual(try state("model_orders"), first.stateJSON)
    }

    func testAModelFindsTheSinkSchemaFirstAndNamesTablesOfOtherSchemasWithTheirSchema() throws {
        try stage()
        try database.connection.execute("CREATE SCHEMA mart; CREATE TABLE mart.stage_orders (id bigint); INSERT INTO mart.stage_orders VALUES (42)")
        let sink = try makeSink(#", "schema": "mart""#)
        let result = try sink.runModel(model("SELECT s.id, o.customer FROM stage_orders s LEFT JOIN public.stage_orders o USING (id)", "ids", .table))
        XCTAssertEqual(result.reads, ["public.stage_orders", "stage_orders"])
        XCTAssertEqual(try rows("SELECT id, customer FROM mart.ids"), [["42", nil]])
        XCTAssertEqual(try rows("SELECT count(*) FROM mart._etl_state WHERE entry_id = 'model_ids'"), [["1"]])
    }

    func testAnIncrementalModelWithAKeyKeepsTheLastRowTheQueryGaveForAKey() throws {
        try database.connection.execute("CREATE TABLE feed (seq bigint, id bigint, city text); INSERT INTO feed VALUES (1, 1, 'Oslo'), (2, 1, 'Bergen'), (3, 2, 'Rome')")
        let sink = try makeSink()
        let result = try sink.runModel(model("SELECT id, city, seq FROM feed ORDER BY seq", "cities", .incremental, key: ["id"], cursor: "seq"))
        XCTAssertEqual(result.rows, 2)
        XCTAssertEqual(try rows("SELECT id, city FROM cities ORDER BY id"), [["1", "Bergen"], ["2", "Rome"]])
    }

    func testModelMistakesAreRefusedWithTheirRemedy() throws {
        try stage()
        let sink = try makeSink()
        for (request, expected) in [
            (model("SELECT * FROM stage_orders WHERE id > {{watermark}}", "t", .table), "only materialize \"incremental\" fills"),
            (model("SELECT id FROM stage_orders", "t", .incremental), "needs a cursor_field"),
            (model("SELECT id FROM stage_orders", "t", .incremental, cursor: "updated"), "column \"updated\" (its cursor_field or primary_key) is not among the query's columns"),
            (model("SELECT id FROM stage_orders", "t", .incremental, cursor: "id", state: #"{"cursor_field": "other", "watermark": 1}"#), "was recorded for cursor field \"other\""),
        ] {
            let error = callError { _ = try sink.runModel(request) }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
            XCTAssertTrue(error?.message.contains(expected) ?? false, error?.message ?? "")
        }
        XCTAssertEqual(try rows("SELECT to_regclass('t') IS NULL"), [["t"]])
    }
}
