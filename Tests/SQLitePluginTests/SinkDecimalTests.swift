import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// decimal128 columns in SQLite, which has no exact decimal type: columns are declared
/// NUMERIC(P,S); whole values within int64 are stored as INTEGER, values of at most 15
/// significant digits as the REAL that prints back with the same digits, and a value SQLite
/// cannot hold exactly fails the load instead of being rounded.
final class SinkDecimalTests: SinkTestCase {
    private let money = ArrowColumnType.decimal128(precision: 12, scale: 2)

    func testAmountsAreStoredSoSQLSeesTheirDigits() throws {
        let sink = try makeSink()
        let schema = Batches.schema([("id", .int64), ("amount", money)])
        try load(sink, "sales", schema, [[[1, .decimal(123_456, scale: 2)], [2, .decimal(-5, scale: 2)], [3, .decimal(1200, scale: 2)], [4, nil]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT name, type FROM pragma_table_info('sales')"), [["id", "INTEGER"], ["amount", "NUMERIC(12,2)"]])
        XCTAssertEqual(try database.rows("SELECT amount, typeof(amount) FROM sales ORDER BY id"),
                       [["1234.56", "real"], ["-0.05", "real"], ["12", "integer"], ["NULL", "null"]])
        XCTAssertEqual(try database.scalar("SELECT sum(amount) FROM sales"), "1246.51")
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM sales WHERE amount = 1234.56"), "1")
    }

    func testWholeValuesWithinInt64AreIntegersWhateverTheirDigits() throws {
        let sink = try makeSink()
        let schema = Batches.schema([("id", .decimal128(precision: 19, scale: 0)), ("big", .decimal128(precision: 30, scale: 4))])
        try load(sink, "ids", schema, [[[.decimal(9_223_372_036_854_775_807, scale: 0), .decimal(12_345_678_901_234_567_0000, scale: 4)]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT id, typeof(id), big, typeof(big) FROM ids"),
                       [["9223372036854775807", "integer", "12345678901234567", "integer"]])
    }

    func testAValueWithMoreThanFifteenSignificantDigitsFailsTheLoadInsteadOfBeingRounded() throws {
        let sink = try makeSink()
        let schema = Batches.schema([("id", .int64), ("amount", .decimal128(precision: 20, scale: 2))])
        try load(sink, "sales", schema, [[[1, .decimal(100, scale: 2)]]], mode: .replace)
        try sink.begin(request("sales", schema, mode: .append))
        let error = callError { try sink.write(try Batches.make(schema, [[2, .decimal(1_234_567_890_123_456_789, scale: 2)]])) }
        try? sink.abort()
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertEqual(error?.message.contains(#"row 1 of the load has 12345678901234567.89 in decimal column "amount", which SQLite cannot store exactly (a NUMERIC column keeps whole numbers within 64 bits, or 15 significant digits); the load was rolled back. To keep every digit, cast the column to "string" in the entry's transforms; to accept rounding, cast it to "double""#), true, error?.message ?? "")
        XCTAssertEqual(try database.rows("SELECT id, amount FROM sales"), [["1", "1"]], "the earlier load stands, nothing of this one")
    }

    func testDoubleAndDecimalReplaceEachOtherLikeOtherTypeChanges() throws {
        let sink = try makeSink()
        // A decimal into a REAL column keeps its digits (<= 15), so appends go on.
        try load(sink, "prices", Batches.schema([("p", .double)]), [[[1.5]]], mode: .append)
        try load(sink, "prices", Batches.schema([("p", money)]), [[[.decimal(250, scale: 2)]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT p FROM prices ORDER BY p"), [["1.5"], ["2.5"]])
        // A fraction into an INTEGER column would change its meaning: refused, and replace rebuilds;
        // whole decimals (scale 0) go in.
        try load(sink, "counts", Batches.schema([("n", .int64)]), [[[1]]], mode: .append)
        try load(sink, "counts", Batches.schema([("n", .decimal128(precision: 20, scale: 0))]), [[[.decimal(2, scale: 0)]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT n, typeof(n) FROM counts ORDER BY n"), [["1", "integer"], ["2", "integer"]])
        let error = callError { try sink.begin(self.request("counts", Batches.schema([("n", money)]), mode: .append)) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("column \"n\" is declared INTEGER in the table, but this load sends decimal(12,2) values (which need NUMERIC(12,2))") == true, error?.message ?? "")
        try load(sink, "counts", Batches.schema([("n", money)]), [[[.decimal(150, scale: 2)]]], mode: .replace)
        XCTAssertEqual(try database.rows("SELECT type FROM pragma_table_info('counts')"), [["NUMERIC(12,2)"]])
        // A double into the NUMERIC(12,2) column is accepted, as into any NUMERIC column.
        try load(sink, "counts", Batches.schema([("n", .double)]), [[[0.25]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT n FROM counts ORDER BY n"), [["0.25"], ["1.5"]])
    }
}
