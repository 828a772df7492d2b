@testable import ETLRuntimeCore
import XCTest

/// Type checking against the batch's columns: unknown columns, mismatched types and wrong
/// arguments are refused with the step's JSON path and the character in the expression.
final class ExpressionTypeTests: XCTestCase {
    private let orders = TransformFixture.orders
    private let path = "$.control_table[0].transforms[0].derive.out"

    func testAnUnknownColumnSuggestsTheClosestName() {
        XCTAssertEqual(TransformFixture.mistake(in: "amout * 2", on: orders),
                       "\(path): at character 1: unknown column \"amout\" (did you mean \"amount\"?)")
        XCTAssertEqual(TransformFixture.mistake(in: "id + zzz", on: orders),
                       "\(path): at character 6: unknown column \"zzz\"; columns are \"id\", \"name\", \"amount\", \"day\", \"at\"")
    }

    func testOperatorsRefuseTypesTheyCannotCombine() {
        XCTAssertEqual(TransformFixture.mistake(in: "name + 1", on: orders),
                       "\(path): at character 6: \"+\" needs numbers, got text + int64; join texts with || or concat(...)")
        XCTAssertEqual(TransformFixture.mistake(in: "id = 'x'", on: orders),
                       "\(path): at character 4: cannot compare int64 with text; cast one side first")
        XCTAssertEqual(TransformFixture.mistake(in: "id and true", on: orders),
                       "\(path): at character 4: and needs bool on both sides, got int64 and bool")
        XCTAssertEqual(TransformFixture.mistake(in: "not name", on: orders),
                       "\(path): at character 5: not needs a bool, got text")
        XCTAssertEqual(TransformFixture.mistake(in: "case when id then 1 end", on: orders),
                       "\(path): at character 11: a when condition must be bool, got int64")
        XCTAssertEqual(TransformFixture.mistake(in: "case when id > 1 then 1 else 'x' end", on: orders),
                       "\(path): at character 30: case mixes int64 and text; cast them to one type")
    }

    func testFunctionsCheckTheirNamesArgumentCountsAndTypes() {
        XCTAssertEqual(TransformFixture.mistake(in: "lowr(name)", on: orders),
                       "\(path): at character 1: unknown function lowr() (did you mean lower()?)")
        XCTAssertEqual(TransformFixture.mistake(in: "upper(name, id)", on: orders),
                       "\(path): at character 1: upper() takes 1 argument, got 2")
        XCTAssertEqual(TransformFixture.mistake(in: "substr(name, 'a')", on: orders),
                       "\(path): at character 14: substr() needs an int64 start (1 is the first character) as argument 2, got text")
        XCTAssertEqual(TransformFixture.mistake(in: "year(name)", on: orders),
                       "\(path): at character 6: year() needs a date or timestamp as argument 1, got text")
        XCTAssertEqual(TransformFixture.mistake(in: "regexp_extract(name, name)", on: orders),
                       "\(path): at character 22: regexp_extract() needs a regular expression as a quoted literal ('...') in argument 2")
        XCTAssertEqual(TransformFixture.mistake(in: "regexp_extract(name, '(a')", on: orders)?.hasPrefix("\(path): at character 22: regexp_extract() cannot compile the pattern '(a'"), true)
        XCTAssertEqual(TransformFixture.mistake(in: "regexp_extract(name, '(a)', 2)", on: orders),
                       "\(path): at character 29: regexp_extract() needs a group number from 0 to 1 (the pattern's groups) as argument 3")
        XCTAssertEqual(TransformFixture.mistake(in: "date_trunc('week', at)", on: orders),
                       "\(path): at character 12: date_trunc() unit must be 'year', 'month', 'day', 'hour' or 'minute', got 'week'")
        XCTAssertEqual(TransformFixture.mistake(in: "json_get(name, 'customer')", on: orders),
                       "\(path): at character 17: json_get() path: a JSON path starts with $, as in '$.customer.id'")
        XCTAssertEqual(TransformFixture.mistake(in: "round(amount, id)", on: orders),
                       "\(path): at character 15: round() needs a literal number of decimal places from 0 to 15 as argument 2")
        XCTAssertEqual(TransformFixture.mistake(in: "coalesce(name, id)", on: orders),
                       "\(path): at character 16: coalesce() mixes text and int64; cast them to one type")
    }

    func testAFilterMustBeBoolean() {
        XCTAssertEqual(TransformFixture.mistake([.filter(expression: "amount * 2")], on: orders),
                       "$.control_table[0].transforms[0].filter: at character 1: expected a bool expression, got double")
    }

    func testResultTypesFollowTheOperands() throws {
        XCTAssertEqual(try TransformFixture.derive("id + 1", on: orders).type, .int64)
        XCTAssertEqual(try TransformFixture.derive("id + amount", on: orders).type, .double)
        XCTAssertEqual(try TransformFixture.derive("id / 2", on: orders).type, .double)
        XCTAssertEqual(try TransformFixture.derive("day < at", on: orders).type, .bool)
        XCTAssertEqual(try TransformFixture.derive("coalesce(day, at)", on: orders).type, .timestampMicrosecondsUTC)
        XCTAssertEqual(try TransformFixture.derive("null", on: orders).type, .utf8)
    }
}
