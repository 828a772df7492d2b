import ETLArrow
@testable import ETLRuntimeCore
import XCTest

/// `cast`: text and numbers to typed columns; a value that does not convert is rejected with
/// the step's path, the column and the value, never turned into a null or a zero.
final class CastTests: XCTestCase {
    private func cast(_ values: [String?], _ spec: ColumnCast) throws -> (values: [TransformValue], reasons: [String]) {
        let table = TransformFixture.table([(spec.column, .utf8, values.map { $0.map(TransformValue.text) ?? .null })])
        let result = try TransformFixture.run([.cast([spec])], on: table)
        return (result.table.columns[0].values, result.rejects.map(\.reason))
    }

    func testIntegersAndDoublesWithDecimalCommasAndThousandsSeparators() throws {
        XCTAssertEqual(try cast(["42", "-7", nil], ColumnCast(column: "n", type: .int64)).values, [.int(42), .int(-7), .null])
        let brazilian = ColumnCast(column: "v", type: .double, decimalMark: ",", thousandsSeparator: ".")
        XCTAssertEqual(try cast(["1.234,56", "0,5", "12"], brazilian).values, [.double(1234.56), .double(0.5), .double(12)])
        let counted = ColumnCast(column: "v", type: .int64, thousandsSeparator: ".")
        XCTAssertEqual(try cast(["1.234.567"], counted).values, [.int(1_234_567)])
    }

    func testUnconvertibleNumbersAreRejectedWithTheReason() throws {
        let result = try cast(["12", "abc", " 3", "1,5"], ColumnCast(column: "n", type: .int64))
        XCTAssertEqual(result.values, [.int(12)])
        XCTAssertEqual(result.reasons, [
            #"$.control_table[0].transforms[0].cast.n: cannot convert "abc" to int64: it is not a whole number (for 1.234,56 write {"type": "int64", "decimal": ",", "thousands": "."})"#,
            #"$.control_table[0].transforms[0].cast.n: cannot convert " 3" to int64: it has surrounding spaces (add a trim step before the cast)"#,
            #"$.control_table[0].transforms[0].cast.n: cannot convert "1,5" to int64: it is not a whole number (for 1.234,56 write {"type": "int64", "decimal": ",", "thousands": "."})"#,
        ])
        XCTAssertEqual(try cast(["2.5"], ColumnCast(column: "n", type: .int64)).reasons.count, 1)
        XCTAssertEqual(try cast(["nan", "inf"], ColumnCast(column: "d", type: .double)).reasons.count, 2)
    }

    func testBooleans() throws {
        XCTAssertEqual(try cast(["true", "N", "1", "Yes"], ColumnCast(column: "b", type: .bool)).values, [.bool(true), .bool(false), .bool(true), .bool(true)])
        XCTAssertEqual(try cast(["maybe"], ColumnCast(column: "b", type: .bool)).reasons,
                       [#"$.control_table[0].transforms[0].cast.b: cannot convert "maybe" to bool: booleans are true/false, t/f, yes/no, y/n or 1/0"#])
    }

    func testDatesAndTimestampsWithStrftimeFormats() throws {
        let day = ColumnCast(column: "d", type: .date, format: "%d/%m/%Y")
        XCTAssertEqual(try cast(["15/03/2024", "29/02/2023"], day).values, [.date(19797)])
        XCTAssertEqual(try cast(["29/02/2023"], day).reasons,
                       [#"$.control_table[0].transforms[0].cast.d: cannot convert "29/02/2023" to date: it does not match the format "%d/%m/%Y""#])
        let stamp = ColumnCast(column: "t", type: .timestamp, format: "%d/%m/%Y %H:%M")
        XCTAssertEqual(try cast(["15/03/2024 13:45"], stamp).values, [.timestamp(TransformFixture.started - 30_000_000)])
        XCTAssertEqual(try cast(["2024-03-15T13:45:30Z", "2024-03-15 13:45:30"], ColumnCast(column: "t", type: .timestamp)).values,
                       [.timestamp(TransformFixture.started), .timestamp(TransformFixture.started)])
        XCTAssertEqual(try cast(["2024-03-15"], ColumnCast(column: "d", type: .date)).values, [.date(19797)])
        XCTAssertEqual(try cast(["15.03.24 13:45:30.25"], ColumnCast(column: "t", type: .timestamp, format: "%d.%m.%y %H:%M:%S.%f")).values,
                       [.timestamp(TransformFixture.started + 250_000)])
    }

    func testEpochSecondsAndMillisecondsFromTextOrNumbers() throws {
        XCTAssertEqual(try cast(["1710510330"], ColumnCast(column: "t", type: .timestamp, format: "epoch_s")).values, [.timestamp(TransformFixture.started)])
        XCTAssertEqual(try cast(["1710510330000"], ColumnCast(column: "t", type: .timestamp, format: "epoch_ms")).values, [.timestamp(TransformFixture.started)])
        let numbers = TransformFixture.table([("t", .int64, [.int(1_710_510_330_000)])])
        let result = try TransformFixture.run([.cast([ColumnCast(column: "t", type: .timestamp, format: "epoch_ms")])], on: numbers)
        XCTAssertEqual(result.table.columns[0].values, [.timestamp(TransformFixture.started)])
        XCTAssertEqual(try cast(["1710510330"], ColumnCast(column: "t", type: .date, format: "epoch_s")).values, [.date(19797)])
    }

    func testTypedColumnsConvertWhereNothingIsLost() throws {
        let typed = TransformFixture.orders
        let result = try TransformFixture.run([.cast([
            ColumnCast(column: "id", type: .double), ColumnCast(column: "amount", type: .string), ColumnCast(column: "at", type: .date),
        ])], on: typed)
        XCTAssertEqual(result.table.columns[0].values, [.double(1), .double(2), .double(3)])
        XCTAssertEqual(result.table.columns[2].values, [.text("10.5"), .text("2"), .null])
        XCTAssertEqual(result.table.columns[4].values, [.date(19797), .date(0), .null])
        let fractions = try TransformFixture.run([.cast([ColumnCast(column: "amount", type: .int64)])], on: typed)
        XCTAssertEqual(fractions.rejects.map(\.reason), [#"$.control_table[0].transforms[0].cast.amount: cannot convert "10.5" to int64: it is not a whole number in int64 range"#])
    }

    func testImpossibleCastsAreRefusedBeforeAnyRowIsRead() {
        let typed = TransformFixture.orders
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "day", type: .int64)])], on: typed),
                       "$.control_table[0].transforms[0].cast.day: cannot cast date to int64")
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "id", type: .timestamp)])], on: typed),
                       "$.control_table[0].transforms[0].cast.id: a number becomes a timestamp only with \"format\": \"epoch_s\" or \"epoch_ms\"")
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "day", type: .timestamp, format: "%Y")])], on: typed),
                       "$.control_table[0].transforms[0].cast.day: a \"format\" reads text, but the column is date")
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "name", type: .date, format: "%d/%m")])], on: typed),
                       "$.control_table[0].transforms[0].cast.name: \"format\" at character 1: the format \"%d/%m\" has no year (%Y or %y)")
        XCTAssertEqual(TransformFixture.mistake([.cast([ColumnCast(column: "name", type: .date, format: "%Y-%q")])], on: typed),
                       "$.control_table[0].transforms[0].cast.name: \"format\" at character 4: unknown format directive %q; directives are %Y %y %m %d %H %M %S %f %%")
    }

    func testARejectedRowLeavesTheBatchAndLaterStepsSeeTheRest() throws {
        let table = TransformFixture.table([("n", .utf8, [.text("1"), .text("x"), .text("3")])])
        let result = try TransformFixture.run([
            .cast([ColumnCast(column: "n", type: .int64)]), .derive([DerivedColumn(name: "double", expression: "n * 2")]),
        ], on: table)
        XCTAssertEqual(result.table.columns[1].values, [.int(2), .int(6)])
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 2"])
        XCTAssertEqual(result.rejects.map(\.raw), [#"{"n":"x"}"#])
    }
}
