import ETLArrow
@testable import ETLRuntimeCore
import XCTest

/// The `decimal` cast and decimals in expressions: digits are read and kept exactly, a value that
/// needs more digits than the type keeps is a reject naming the value and the limit (never
/// rounded), and arithmetic stays exact where the result is a decimal.
final class DecimalTransformTests: XCTestCase {
    private let money = DecimalDigits(precision: 12, scale: 2)

    private func cast(_ values: [TransformValue], from type: ArrowColumnType = .utf8, _ spec: ColumnCast) throws -> (type: ArrowColumnType, values: [TransformValue], reasons: [String]) {
        let table = TransformFixture.table([(spec.column, type, values)])
        let result = try TransformFixture.run([.cast([spec])], on: table)
        return (result.table.columns[0].type, result.table.columns[0].values, result.rejects.map(\.reason))
    }

    private func decimal(_ unscaled: Int128, _ scale: Int) -> TransformValue { .decimal(ArrowDecimal(unscaled: unscaled, scale: scale)) }

    func testBrazilianTextBecomesExactDecimals() throws {
        let spec = ColumnCast(column: "v", type: .decimal, decimalMark: ",", thousandsSeparator: ".", digits: money)
        let result = try cast(["1.234,56", "-0,05", "12", "1.000.000,1", "0,10"].map(TransformValue.text) + [.null], spec)
        XCTAssertEqual(result.type, .decimal128(precision: 12, scale: 2))
        XCTAssertEqual(result.values, [decimal(123_456, 2), decimal(-5, 2), decimal(1200, 2), decimal(100_000_010, 2), decimal(10, 2), .null])
        XCTAssertEqual(result.values.map { $0.text }, ["1234.56", "-0.05", "12.00", "1000000.10", "0.10", nil])
        XCTAssertEqual(result.reasons, [])
    }

    func testMoreDigitsThanTheTypeKeepsAreRejectsNamingTheValueAndTheLimit() throws {
        let spec = ColumnCast(column: "v", type: .decimal, digits: money)
        let result = try cast(["1.005", "12345678901.5", "-99999999999", "1.50", "9999999999.99", "abc", " 1"].map(TransformValue.text), spec)
        XCTAssertEqual(result.values, [decimal(150, 2), decimal(999_999_999_999, 2)], "trailing zeros past the scale lose nothing")
        let prefix = "$.control_table[0].transforms[0].cast.v: cannot convert"
        XCTAssertEqual(result.reasons, [
            #"\#(prefix) "1.005" to decimal(12,2): it has 3 digits after the point; decimal(12,2) keeps 2 (nothing is rounded: widen the scale, or round() a double first)"#,
            #"\#(prefix) "12345678901.5" to decimal(12,2): it has 11 digits before the point; decimal(12,2) holds at most 10 (raise the precision, up to 38)"#,
            #"\#(prefix) "-99999999999" to decimal(12,2): it has 11 digits before the point; decimal(12,2) holds at most 10 (raise the precision, up to 38)"#,
            #"\#(prefix) "abc" to decimal(12,2): it is not a decimal number (for 1.234,56 write {"type": "decimal", "precision": 12, "scale": 2, "decimal": ",", "thousands": "."})"#,
            #"\#(prefix) " 1" to decimal(12,2): it has surrounding spaces (add a trim step before the cast)"#,
        ])
    }

    func testThirtyEightDigitsAndNegativeValuesAreExact() throws {
        let spec = ColumnCast(column: "v", type: .decimal, digits: DecimalDigits(precision: 38, scale: 10))
        let result = try cast([.text("-9999999999999999999999999999.9999999999"), .text("0.0000000001"), .text("-0")], spec)
        XCTAssertEqual(result.values.map { $0.text }, ["-9999999999999999999999999999.9999999999", "0.0000000001", "0.0000000000"])
        XCTAssertEqual(try cast([.text("99999999999999999999999999999")], spec).reasons.count, 1, "29 digits before the point do not fit 28")
    }

    func testIntegersAndDoublesBecomeDecimalsAndBack() throws {
        let spec = ColumnCast(column: "v", type: .decimal, digits: money)
        XCTAssertEqual(try cast([.int(42), .int(-7)], from: .int64, spec).values, [decimal(4200, 2), decimal(-700, 2)])
        // A double through its shortest text: 0.1 is 0.10, not 0.1000000000000000055...
        XCTAssertEqual(try cast([.double(0.1), .double(1234.56), .double(1e-2)], from: .double, spec).values, [decimal(10, 2), decimal(123_456, 2), decimal(1, 2)])
        XCTAssertEqual(try cast([.double(0.125)], from: .double, spec).reasons.count, 1)
        let column: [TransformValue] = [decimal(123_456, 2), decimal(-500, 2)]
        XCTAssertEqual(try cast(column, from: .decimal128(precision: 12, scale: 2), ColumnCast(column: "v", type: .string)).values, [.text("1234.56"), .text("-5.00")])
        XCTAssertEqual(try cast(column, from: .decimal128(precision: 12, scale: 2), ColumnCast(column: "v", type: .double)).values, [.double(1234.56), .double(-5)])
        let integers = try cast(column, from: .decimal128(precision: 12, scale: 2), ColumnCast(column: "v", type: .int64))
        XCTAssertEqual(integers.values, [.int(-5)])
        XCTAssertEqual(integers.reasons, [#"$.control_table[0].transforms[0].cast.v: cannot convert "1234.56" to int64: it is not a whole number in int64 range"#])
        let narrower = try cast(column, from: .decimal128(precision: 12, scale: 2), ColumnCast(column: "v", type: .decimal, digits: DecimalDigits(precision: 5, scale: 0)))
        XCTAssertEqual(narrower.values, [decimal(-5, 0)], "-5.00 fits decimal(5,0); 1234.56 would lose digits")
        XCTAssertEqual(narrower.reasons.count, 1)
    }

    func testACastThatCannotApplyIsRefusedBeforeAnyRow() {
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "day", type: .decimal, digits: money)])], on: TransformFixture.orders),
                       "$.control_table[0].transforms[0].cast.day: cannot cast date to decimal(12,2)")
    }

    // MARK: Expressions

    private var ledger: TransformTable { TransformFixture.table([
        ("price", .decimal128(precision: 12, scale: 2), [decimal(1999, 2), decimal(-250, 2), .null]),
        ("rate", .decimal128(precision: 6, scale: 4), [decimal(1, 4), decimal(5000, 4), decimal(1, 4)]),
        ("qty", .int64, [.int(3), .int(2), .int(1)]),
        ("ratio", .double, [.double(0.5), .double(2), .double(1)]),
    ]) }

    func testComparisonsWithNumbersAndOtherDecimalsAreExact() throws {
        XCTAssertEqual(try TransformFixture.derive("price > 19.98", on: ledger).values, [.bool(true), .bool(false), .null])
        XCTAssertEqual(try TransformFixture.derive("price = 19.99", on: ledger).values, [.bool(true), .bool(false), .null])
        XCTAssertEqual(try TransformFixture.derive("price < 0", on: ledger).values, [.bool(false), .bool(true), .null])
        XCTAssertEqual(try TransformFixture.derive("rate * 10000 = qty - 2", on: ledger).values, [.bool(true), .bool(false), .bool(false)])
        XCTAssertEqual(try TransformFixture.derive("price >= rate", on: ledger).values, [.bool(true), .bool(false), .null])
        XCTAssertEqual(try TransformFixture.derive("price in (19.99, 5)", on: ledger).values, [.bool(true), .bool(false), .null])
        let kept = try TransformFixture.run([.filter(expression: "price > 0")], on: ledger)
        XCTAssertEqual(kept.table.columns[0].values, [decimal(1999, 2)])
    }

    func testSumsAndProductsStayExactDecimalsAndOtherArithmeticBecomesDouble() throws {
        let sum = try TransformFixture.derive("price + rate", on: ledger)
        XCTAssertEqual(sum.type, .decimal128(precision: 15, scale: 4))
        XCTAssertEqual(sum.values.map { $0.text }, ["19.9901", "-2.0000", nil])
        let difference = try TransformFixture.derive("price - qty", on: ledger)
        XCTAssertEqual(difference.type, .decimal128(precision: 22, scale: 2))
        XCTAssertEqual(difference.values.map { $0.text }, ["16.99", "-4.50", nil])
        let product = try TransformFixture.derive("price * qty", on: ledger)
        XCTAssertEqual(product.type, .decimal128(precision: 31, scale: 2))
        XCTAssertEqual(product.values.map { $0.text }, ["59.97", "-5.00", nil])
        XCTAssertEqual(try TransformFixture.derive("price * rate", on: ledger).values.map { $0.text }, ["0.001999", "-1.250000", nil])
        XCTAssertEqual(try TransformFixture.derive("-price", on: ledger).values.map { $0.text }, ["-19.99", "2.50", nil])
        XCTAssertEqual(try TransformFixture.derive("abs(price)", on: ledger).values.map { $0.text }, ["19.99", "2.50", nil])
        let rounded = try TransformFixture.derive("round(price, 1)", on: ledger)
        XCTAssertEqual(rounded.type, .decimal128(precision: 12, scale: 1))
        XCTAssertEqual(rounded.values.map { $0.text }, ["20.0", "-2.5", nil])
        XCTAssertEqual(try TransformFixture.derive("round(price)", on: ledger).values.map { $0.text }, ["20", "-3", nil])
        let quotient = try TransformFixture.derive("price / 2", on: ledger)
        XCTAssertEqual(quotient.type, .double)
        XCTAssertEqual(quotient.values, [.double(9.995), .double(-1.25), .null])
        let withDouble = try TransformFixture.derive("price * ratio", on: ledger)
        XCTAssertEqual(withDouble.type, .double)
        XCTAssertEqual(withDouble.values, [.double(9.995), .double(-5), .null])
    }

    func testExactSumsDoNotDriftAsDoublesDo() throws {
        let tenths = TransformFixture.table([
            ("a", .decimal128(precision: 5, scale: 1), [decimal(1, 1)]), ("b", .decimal128(precision: 5, scale: 1), [decimal(2, 1)]),
        ])
        XCTAssertEqual(try TransformFixture.derive("a + b = 0.3", on: tenths).values, [.bool(true)], "0.1 + 0.2 is 0.3 exactly")
        XCTAssertEqual(try TransformFixture.derive("(a + b) || ''", on: tenths).values, [.text("0.3")])
    }

    func testASumBeyondThirtyEightDigitsRejectsItsRow() throws {
        let nines = ArrowDecimal(unscaled: ArrowDecimal.powersOfTen[38] - 1, scale: 0)
        let table = TransformFixture.table([("big", .decimal128(precision: 38, scale: 0), [.decimal(nines), decimal(1, 0)])])
        let result = try TransformFixture.run([.derive([DerivedColumn(name: "out", expression: "big + 1")])], on: table)
        XCTAssertEqual(result.table.columns.last?.values, [decimal(2, 0)])
        XCTAssertEqual(result.rejects.map(\.reason), [
            "$.control_table[0].transforms[0].derive.out: at character 5: 99999999999999999999999999999999999999 + 1 overflows decimal(38,0)",
        ])
    }

    func testCoalesceAndCaseMeetAtADecimalWideEnoughForBoth() throws {
        let coalesced = try TransformFixture.derive("coalesce(price, qty)", on: ledger)
        XCTAssertEqual(coalesced.type, .decimal128(precision: 21, scale: 2))
        XCTAssertEqual(coalesced.values.map { $0.text }, ["19.99", "-2.50", "1.00"])
        let chosen = try TransformFixture.derive("case when qty > 2 then rate else price end", on: ledger)
        XCTAssertEqual(chosen.type, .decimal128(precision: 14, scale: 4))
        XCTAssertEqual(chosen.values.map { $0.text }, ["0.0001", "-2.5000", nil])
        XCTAssertEqual(try TransformFixture.derive("coalesce(price, ratio)", on: ledger).type, .double)
    }

    func testADecimalColumnCanBeSelectedRenamedAndDroppedUntouched() throws {
        let result = try TransformFixture.run([.rename([ColumnRename(from: "price", to: "amount")]), .drop(columns: ["ratio"]), .select(columns: ["qty", "amount"])], on: ledger)
        XCTAssertEqual(result.table.schema.fields.map(\.type), [.int64, .decimal128(precision: 12, scale: 2)])
        XCTAssertEqual(result.table.columns[1].values, [decimal(1999, 2), decimal(-250, 2), .null])
        XCTAssertEqual(try result.table.batch().column(1).decimal128(1).text, "-2.50")
    }
}
