import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// scd2 into PostgreSQL, with the sqlite sink's rules: history columns `_valid_from`, `_valid_to`,
/// `_is_current`, a new version only when a value changed, `valid_from_column` and `close_missing`.
final class PostgresSinkSCD2Tests: PostgresSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("city", .utf8)])
    private let dated = Batches.schema([("id", .int64), ("city", .utf8), ("changed_on", .date32)])
    private let byDate = #"{"valid_from_column": "changed_on"}"#
    private let snapshot = #"{"close_missing": true}"#

    /// 2024-01-01 + `offset` days, as date32.
    private func day(_ offset: Int32) -> Cell { .date(days: 19_723 + offset) }

    func testTheSinkDeclaresScd2() throws {
        XCTAssertTrue(try makeSink().plugin.info.capabilities.contains("scd2"))
    }

    func testAChangedRowClosesTheCurrentVersionAndAddsANewOne() throws {
        let sink = try makeSink()
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"], [2, "Rome"]]], mode: .scd2, key: ["id"]), 2)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Bergen"], [2, "Rome"]]], mode: .scd2, key: ["id"]), 1)
        XCTAssertEqual(try rows("SELECT id, city, _valid_to IS NOT NULL, _is_current FROM customers ORDER BY id, _valid_from"),
                       [["1", "Oslo", "t", "f"], ["1", "Bergen", "f", "t"], ["2", "Rome", "f", "t"]])
        // The old version ends exactly where the new one starts.
        XCTAssertEqual(try rows("SELECT count(*) FROM customers o JOIN customers n ON n.id = o.id AND n._valid_from = o._valid_to"), [["1"]])
        XCTAssertEqual(try rows("""
            SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attnum > 0 ORDER BY attnum
            """), [["bigint"], ["text"], ["timestamp with time zone"], ["timestamp with time zone"], ["boolean"]])
        // Each row finds its key's current version through a partial index.
        XCTAssertEqual(try rows("SELECT indexdef LIKE '%(id) WHERE _is_current' FROM pg_indexes WHERE tablename = 'customers' AND indexname LIKE 'etl_cur_customers_%'"),
                       [["t"]])
    }

    func testUnchangedRowsAndRepeatedNullsAddNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo"], [2, nil]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"], [2, nil]]], mode: .scd2, key: ["id"]), 0)
        XCTAssertEqual(try load(sink, "customers", schema, [[[2, "Rome"]]], mode: .scd2, key: ["id"]), 1)
        XCTAssertEqual(try rows("SELECT count(*), count(*) FILTER (WHERE _is_current) FROM customers"), [["3", "2"]])
    }

    func testRowsOfOneKeyInOneLoadApplyInOrder() throws {
        let sink = try makeSink()
        try load(sink, "customers", dated, [[[1, "Oslo", day(0)], [1, "Bergen", day(5)]], [[1, "Bergen", day(5)], [1, "Tromsø", day(9)]]],
                 mode: .scd2, key: ["id"], options: byDate)
        XCTAssertEqual(try rows("SELECT city, _valid_from::date, _valid_to::date, _is_current FROM customers ORDER BY _valid_from"),
                       [["Oslo", "2024-01-01", "2024-01-06", "f"], ["Bergen", "2024-01-06", "2024-01-10", "f"], ["Tromsø", "2024-01-10", nil, "t"]])
    }

    func testTheEffectiveDateStartsTheVersionAndAnOlderRecordDoesNotRewriteHistory() throws {
        let sink = try makeSink()
        try load(sink, "customers", dated, [[[1, "Bergen", day(9)]]], mode: .scd2, key: ["id"], options: byDate)
        XCTAssertEqual(try load(sink, "customers", dated, [[[1, "Oslo", day(0)]]], mode: .scd2, key: ["id"], options: byDate), 0)
        XCTAssertEqual(try rows("SELECT city, _valid_from, _valid_to, _is_current FROM customers"),
                       [["Bergen", "2024-01-10 00:00:00+00", nil, "t"]])
    }

    func testTimestampTextDatesVersionsAsUTC() throws {
        let text = Batches.schema([("id", .int64), ("city", .utf8), ("since", .utf8)])
        let sink = try makeSink()
        try load(sink, "customers", text, [[[1, "Oslo", "2024-03-01 12:30:00"]]], mode: .scd2, key: ["id"],
                 options: #"{"valid_from_column": "since"}"#)
        XCTAssertEqual(try rows("SELECT to_char(_valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM customers"), [["2024-03-01 12:30"]])
    }

    func testTimestampTextThatDoesNotParseFailsTheLoadNamingRowValueAndColumn() throws {
        let text = Batches.schema([("id", .int64), ("city", .utf8), ("since", .utf8)])
        let sink = try makeSink()
        let error = callError {
            try self.load(sink, "customers", text, [[[1, "Oslo", "2024-03-01"], [2, "Rome", "next tuesday"]]], mode: .scd2, key: ["id"],
                          options: #"{"valid_from_column": "since"}"#)
        }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2 of the load has 'next tuesday' in valid_from_column \"since\", which PostgreSQL cannot read as a timestamp") ?? false,
                      error?.message ?? "")
        XCTAssertEqual(try rows("SELECT to_regclass('customers') IS NULL"), [["t"]])
    }

    func testANullEffectiveDateFailsTheLoadNamingTheRowAndColumn() throws {
        let sink = try makeSink()
        let error = callError {
            try self.load(sink, "customers", self.dated, [[[1, "Oslo", self.day(0)], [2, "Rome", nil]]], mode: .scd2, key: ["id"], options: self.byDate)
        }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2 of the load has NULL in valid_from_column \"changed_on\"") ?? false, error?.message ?? "")
        XCTAssertEqual(try rows("SELECT to_regclass('customers') IS NULL"), [["t"]], "the table the load created was rolled back too")
    }

    func testBadOptionsAreRefusedAtBegin() throws {
        let sink = try makeSink()
        for (mode, options, expected) in [
            (WriteMode.scd2, #"{"valid_from_column": "effective"}"#, "valid_from_column \"effective\" of the scd2 load"),
            (.scd2, #"{"valid_from_column": "id"}"#, "needs a timestamp, a date or timestamp text"),
            (.merge, snapshot, "apply to write mode scd2 only"),
        ] {
            let error = callError { try sink.begin(self.request("customers", self.dated, mode: mode, key: ["id"], options: options)) }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
            XCTAssertTrue(error?.message.contains(expected) ?? false, error?.message ?? "")
        }
        let clash = Batches.schema([("id", .int64), ("_is_current", .bool)])
        let error = callError { try sink.begin(self.request("customers", clash, mode: .scd2, key: ["id"])) }
        XCTAssertTrue(error?.message.contains("a name scd2 keeps for its history columns") ?? false, error?.message ?? "")
        let keyless = callError { try sink.begin(self.request("customers", self.schema, mode: .scd2)) }
        XCTAssertTrue(keyless?.message.contains("write mode scd2 into \"customers\" needs a primary_key") ?? false, keyless?.message ?? "")
    }

    func testScd2IntoATableWithoutHistoryColumnsIsRefused() throws {
        try database.connection.execute("CREATE TABLE customers (id bigint, city text)")
        let error = callError { try self.load(self.makeSink(), "customers", self.schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"]) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("exists without the scd2 history column \"_valid_from\"") ?? false, error?.message ?? "")
    }

    func testASnapshotClosesTheCurrentVersionOfKeysItLacks() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo"], [2, "Rome"], [3, "Lima"]]], mode: .scd2, key: ["id"], options: snapshot)
        XCTAssertEqual(try load(sink, "customers", schema, [[[1, "Oslo"]], [[3, "Cusco"]]], mode: .scd2, key: ["id"], options: snapshot), 1,
                       "the new version of 3 counts; closing 2 is logged, not counted, as in the sqlite sink")
        XCTAssertEqual(try rows("SELECT id, city FROM customers WHERE _is_current ORDER BY id"), [["1", "Oslo"], ["3", "Cusco"]])
        XCTAssertEqual(try rows("SELECT _valid_to = _valid_from FROM customers WHERE id = 2"), [["f"]])
        // Without close_missing, absent keys stay current.
        try load(sink, "customers", schema, [[[1, "Oslo"]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try rows("SELECT id FROM customers WHERE _is_current ORDER BY id"), [["1"], ["3"]])
    }

    func testAFailedScd2LoadChangesNothing() throws {
        let sink = try makeSink()
        try load(sink, "customers", schema, [[[1, "Oslo"], [2, "Rome"]]], mode: .scd2, key: ["id"])
        XCTAssertNotNil(callError {
            try self.load(sink, "customers", self.schema, [[[1, "Bergen"]], [[nil, "Nowhere"]]], mode: .scd2, key: ["id"], options: self.snapshot)
        })
        XCTAssertEqual(try rows("SELECT id, city, _is_current FROM customers ORDER BY id"), [["1", "Oslo", "t"], ["2", "Rome", "t"]])
    }

    func testAJsonColumnIsComparedAsText() throws {
        try database.connection.execute("""
            CREATE TABLE docs (id bigint, body json, _valid_from timestamptz, _valid_to timestamptz, _is_current boolean)
            """)
        let docs = Batches.schema([("id", .int64), ("body", .utf8)])
        let sink = try makeSink()
        try load(sink, "docs", docs, [[[1, #"{"a": 1}"#]]], mode: .scd2, key: ["id"])
        XCTAssertEqual(try load(sink, "docs", docs, [[[1, #"{"a": 1}"#]]], mode: .scd2, key: ["id"]), 0)
        XCTAssertEqual(try load(sink, "docs", docs, [[[1, #"{"a": 2}"#]]], mode: .scd2, key: ["id"]), 1)
    }
}
