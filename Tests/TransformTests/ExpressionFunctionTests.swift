@testable import ETLRuntimeCore
import XCTest

/// What each operator and function computes, nulls included, and which rows fail at run time.
final class ExpressionFunctionTests: XCTestCase {
    private let orders = TransformFixture.orders

    private func values(_ expression: String, on table: TransformTable? = nil) throws -> [TransformValue] {
        try TransformFixture.derive(expression, on: table ?? orders).values
    }

    func testArithmeticKeepsIntegersAndDividesToDoubles() throws {
        XCTAssertEqual(try values("id * 10 - 1"), [.int(9), .int(19), .int(29)])
        XCTAssertEqual(try values("id / 2"), [.double(0.5), .double(1), .double(1.5)])
        XCTAssertEqual(try values("id % 2"), [.int(1), .int(0), .int(1)])
        XCTAssertEqual(try values("amount + id"), [.double(11.5), .double(4), .null])
    }

    func testDivisionByZeroAndOverflowRejectTheRowInsteadOfGuessing() throws {
        let table = TransformFixture.table([("a", .int64, [.int(4), .int(9_223_372_036_854_775_807)]), ("b", .int64, [.int(0), .int(1)])])
        let divided = try TransformFixture.run([.derive([DerivedColumn(name: "q", expression: "a / b")])], on: table)
        XCTAssertEqual(divided.table.rowCount, 1)
        XCTAssertEqual(divided.rejects.map(\.reason), ["$.control_table[0].transforms[0].derive.q: at character 3: division by zero (4 / 0)"])
        XCTAssertEqual(divided.rejects.map(\.position), ["stream row 1"])
        XCTAssertEqual(divided.rejects.map(\.raw), [#"{"a":"4","b":"0"}"#])
        let summed = try TransformFixture.run([.derive([DerivedColumn(name: "s", expression: "a + b")])], on: table)
        XCTAssertEqual(summed.rejects.map(\.reason), ["$.control_table[0].transforms[0].derive.s: at character 3: 9223372036854775807 + 1 overflows int64"])
    }

    func testComparisonsAndLogicFollowSQLNulls() throws {
        XCTAssertEqual(try values("amount > 5"), [.bool(true), .bool(false), .null])
        XCTAssertEqual(try values("amount > 5 or true"), [.bool(true), .bool(true), .bool(true)])
        XCTAssertEqual(try values("amount > 5 and false"), [.bool(false), .bool(false), .bool(false)])
        XCTAssertEqual(try values("name is null"), [.bool(false), .bool(false), .bool(true)])
        XCTAssertEqual(try values("id in (1, 3)"), [.bool(true), .bool(false), .bool(true)])
        XCTAssertEqual(try values("id not in (1, 3)"), [.bool(false), .bool(true), .bool(false)])
        XCTAssertEqual(try values("day = day"), [.bool(true), .bool(true), .null])
    }

    func testCaseWhenTakesTheFirstMatchingBranch() throws {
        XCTAssertEqual(try values("case when amount >= 10 then 'big' when amount > 0 then 'small' else 'unknown' end"),
                       [.text("big"), .text("small"), .text("unknown")])
        XCTAssertEqual(try values("case when id = 1 then 1 when id = 2 then 2.5 end"), [.double(1), .double(2.5), .null])
    }

    func testTextFunctions() throws {
        XCTAssertEqual(try values("coalesce(name, 'none')"), [.text(" Ana "), .text("bob"), .text("none")])
        XCTAssertEqual(try values("concat(id, '-', name)"), [.text("1- Ana "), .text("2-bob"), .text("3-")])
        XCTAssertEqual(try values("name || '!'"), [.text(" Ana !"), .text("bob!"), .text("!")])
        XCTAssertEqual(try values("upper(trim(name))"), [.text("ANA"), .text("BOB"), .null])
        XCTAssertEqual(try values("lower(name)"), [.text(" ana "), .text("bob"), .null])
        XCTAssertEqual(try values("length(name)"), [.int(5), .int(3), .null])
        XCTAssertEqual(try values("substr(name, 2, 3)"), [.text("Ana"), .text("ob"), .null])
        XCTAssertEqual(try values("substr(name, 3)"), [.text("na "), .text("b"), .null])
        XCTAssertEqual(try values("replace(name, 'b', 'B')"), [.text(" Ana "), .text("BoB"), .null])
        let codes = TransformFixture.table([("code", .utf8, [.text("INV-2024-0042"), .text("none")])])
        XCTAssertEqual(try values("regexp_extract(code, '([0-9]{4})-([0-9]+)', 2)", on: codes), [.text("0042"), .null])
        XCTAssertEqual(try values("regexp_extract(code, '[A-Z]+')", on: codes), [.text("INV"), .text("")].map { $0 == .text("") ? .null : $0 })
    }

    func testNumbersRound() throws {
        let prices = TransformFixture.table([("p", .double, [.double(2.345), .double(-1.5), .null])])
        XCTAssertEqual(try values("round(p, 2)", on: prices), [.double(2.35), .double(-1.5), .null])
        XCTAssertEqual(try values("round(p)", on: prices), [.double(2), .double(-2), .null])
        XCTAssertEqual(try values("abs(p)", on: prices), [.double(2.345), .double(1.5), .null])
        XCTAssertEqual(try values("round(id)"), [.int(1), .int(2), .int(3)])
    }

    func testDatePartsTruncationAndNow() throws {
        // at[0] is 2024-03-15 13:45:30 UTC; day[0] is 2024-03-15.
        XCTAssertEqual(try values("year(at)"), [.int(2024), .int(1970), .null])
        XCTAssertEqual(try values("month(day)"), [.int(3), .int(3), .null])
        XCTAssertEqual(try values("day(day)"), [.int(15), .int(16), .null])
        XCTAssertEqual(try values("hour(at) * 100 + minute(at)"), [.int(1345), .int(0), .null])
        XCTAssertEqual(try values("second(at)"), [.int(30), .int(0), .null])
        XCTAssertEqual(try values("date_trunc('month', day)"), [.date(19783), .date(19783), .null])
        XCTAssertEqual(try values("date_trunc('hour', at)"), [.timestamp(TransformFixture.started - 2_730_000_000), .timestamp(0), .null])
        XCTAssertEqual(try values("date_trunc('year', at)"), [.timestamp(1_704_067_200_000_000), .timestamp(0), .null])
        XCTAssertEqual(try values("now()"), Array(repeating: .timestamp(TransformFixture.started), count: 3))
    }

    func testHashIsStableAndSeparatesArguments() throws {
        let pairs = TransformFixture.table([("a", .utf8, [.text("ab"), .text("a"), .null]), ("b", .utf8, [.text("c"), .text("bc"), .text("")])])
        let hashes = try values("hash(a, b)", on: pairs)
        XCTAssertEqual(Set(hashes).count, 3, "\(hashes)")
        XCTAssertEqual(hashes, try values("hash(a, b)", on: pairs))
        XCTAssertEqual(try values("hash('x')", on: pairs).first, .text("d12b6e18679a84f9"))
    }

    func testJSONGetReadsAPathAndRejectsTextThatIsNotJSON() throws {
        let events = TransformFixture.table([("payload", .utf8, [
            .text(#"{"customer": {"id": 42, "tags": ["a", "b"]}}"#), .text(#"{"customer": null}"#), .text("not json"),
        ])])
        XCTAssertEqual(try values("json_get(payload, '$.customer.tags[1]')", on: events).prefix(2), [.text("b"), .null])
        let result = try TransformFixture.run([.derive([DerivedColumn(name: "id", expression: "json_get(payload, '$.customer.id')")])], on: events)
        XCTAssertEqual(result.table.columns[1].values, [.text("42"), .null])
        XCTAssertEqual(result.rejects.map(\.reason), ["$.control_table[0].transforms[0].derive.id: at character 1: json_get() found text that is not JSON: not json"])
        XCTAssertEqual(result.rejects.map(\.position), ["stream row 3"])
    }
}
