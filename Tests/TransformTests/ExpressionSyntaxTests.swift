@testable import ETLRuntimeCore
import XCTest

/// The expression grammar: what parses, and mistakes reported at the character where they are.
final class ExpressionSyntaxTests: XCTestCase {
    private func syntax(_ text: String) -> String? { ExpressionParser.checkSyntax(text)?.description }

    func testWellFormedExpressionsParse() {
        for text in [
            "amount * 2 + 1", "-(a - b) % 3", "a = 1 and not b <> 2 or c is not null",
            "case when x > 1 then 'big' when x is null then null else 'small' end",
            "coalesce(a, b, 'none') || concat(c, '-')", "status in ('A', 'B') and kind not in (1, 2)",
            "\"Valor Total\" >= 10.5", "json_get(payload, '$.customer.id')", "now()", "'it''s'",
        ] {
            XCTAssertNil(syntax(text), text)
        }
    }

    func testMistakesNameTheCharacterWhereTheyStart() {
        XCTAssertEqual(syntax("amount * "), "at character 10: expected a column, a literal, a function call or \"(\", got the end of the expression")
        XCTAssertEqual(syntax("a b"), "at character 3: expected an operator or the end of the expression, got \"b\"")
        XCTAssertEqual(syntax("name = 'open"), "at character 8: unterminated text literal; close it with '")
        XCTAssertEqual(syntax("(a + 1"), "at character 7: expected \")\" to close the parenthesis opened at character 1, got the end of the expression")
        XCTAssertEqual(syntax("case when a then 1"), "at character 19: expected end to close the case opened at character 1, got the end of the expression")
        XCTAssertEqual(syntax("a # b"), "at character 3: unexpected character \"#\"")
        XCTAssertEqual(syntax("x is 3"), "at character 6: expected null after \"is\", got 3")
        XCTAssertEqual(syntax(""), "at character 1: the expression is empty")
        XCTAssertEqual(syntax("99999999999999999999"), "at character 1: the integer 99999999999999999999 does not fit in 64 bits")
    }

    func testPrecedenceIsArithmeticThenComparisonThenNotAndOr() throws {
        let table = TransformFixture.table([("x", .int64, [.int(2)])])
        XCTAssertEqual(try TransformFixture.derive("1 + x * 3", on: table).values, [.int(7)])
        XCTAssertEqual(try TransformFixture.derive("(1 + x) * 3", on: table).values, [.int(9)])
        XCTAssertEqual(try TransformFixture.derive("x > 1 and x < 2 or x = 2", on: table).values, [.bool(true)])
        XCTAssertEqual(try TransformFixture.derive("not x = 2 or true", on: table).values, [.bool(true)])
        XCTAssertEqual(try TransformFixture.derive("not (x = 2 or true)", on: table).values, [.bool(false)])
        XCTAssertEqual(try TransformFixture.derive("-x * 2", on: table).values, [.int(-4)])
        XCTAssertEqual(try TransformFixture.derive("'a' || x + 1", on: table).values, [.text("a3")])
    }
}
