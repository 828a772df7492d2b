import ETLRuntimeCore
import XCTest

final class JSONParserTests: XCTestCase {
    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try JSONParser.parse(text)
            XCTFail("expected a syntax error", file: file, line: line)
            return nil
        } catch {
            return error.rendered(file: "plugins.json")
        }
    }

    func testEveryValueRecordsItsLineAndColumn() throws {
        let document = try JSONParser.parse("{\n  \"a\": [1,\n    true],\n  \"b\": \"x\"\n}")
        let a = try XCTUnwrap(document.root.member("a"))
        XCTAssertEqual(document.root.location, JSONLocation(line: 1, column: 1))
        XCTAssertEqual(a.keyLocation, JSONLocation(line: 2, column: 3))
        XCTAssertEqual(a.value.location, JSONLocation(line: 2, column: 8))
        XCTAssertEqual(a.value.elements?.map(\.location), [JSONLocation(line: 2, column: 9), JSONLocation(line: 3, column: 5)])
        XCTAssertEqual(document.root.member("b")?.value.location, JSONLocation(line: 4, column: 8))
    }

    func testColumnsCountCharactersNotBytes() {
        XCTAssertEqual(syntaxError("{\"é\": 1 2}"), "plugins.json:1:9: expected ',' or '}' after an object member")
    }

    func testMissingCommaBetweenMembersNamesWhatWasExpected() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}"
        XCTAssertEqual(syntaxError(text), "plugins.json:3:3: expected ',' or '}' after an object member")
    }

    func testMissingCommaInArrayNamesWhatWasExpected() {
        XCTAssertEqual(syntaxError("[1 2]"), "plugins.json:1:4: expected ',' or ']' after an array element")
    }

    func testTrailingCommaInObjectIsNamedAsSuch() {
        XCTAssertEqual(syntaxError("{\n  \"a\": 1,\n}"), "plugins.json:2:9: trailing comma is not allowed")
    }

    func testTrailingCommaInArrayIsNamedAsSuch() {
        XCTAssertEqual(syntaxError("[1, 2, ]"), "plugins.json:1:6: trailing comma is not allowed")
    }

    func testCommentsAreRefused() {
        XCTAssertEqual(syntaxError("{\n  // note\n  \"a\": 1\n}"), "plugins.json:2:3: comments are not allowed in JSON")
        XCTAssertEqual(syntaxError("/* x */ 1"), "plugins.json:1:1: comments are not allowed in JSON")
    }

    func testUnquotedKeyIsRefused() {
        XCTAssertEqual(syntaxError("{a: 1}"), "plugins.json:1:2: object keys must be strings in double quotes")
    }

    func testSingleQuotedStringIsRefused() {
        XCTAssertEqual(syntaxError("{\"a\": 'x'}"), "plugins.json:1:7: strings must be in double quotes, not single quotes")
    }

    func testMissingColonIsReported() {
        XCTAssertEqual(syntaxError("{\"a\" 1}"), "plugins.json:1:6: expected ':' after an object key")
    }

    func testCapitalisedLiteralIsExplained() {
        XCTAssertEqual(
            syntaxError("[True]"), "plugins.json:1:2: expected a JSON value, found \"True\"; JSON writes true in lower case")
    }

    func testBareWordIsExplained() {
        XCTAssertEqual(
            syntaxError("{\"mode\": full}"), "plugins.json:1:10: expected a JSON value, found \"full\"; strings need double quotes")
    }

    func testEmptyInputIsReported() {
        XCTAssertEqual(syntaxError("  \n"), "plugins.json:2:1: expected a JSON value, found the end of the file")
    }

    func testUnterminatedObjectIsReportedAtTheEnd() {
        XCTAssertEqual(syntaxError("{\"a\": 1"), "plugins.json:1:8: expected ',' or '}' after an object member")
    }

    func testTextAfterTheValueIsRefused() {
        XCTAssertEqual(syntaxError("{} {}"), "plugins.json:1:4: unexpected '{' after the JSON value; a file holds one value")
    }

    func testUnterminatedStringPointsAtItsStart() {
        XCTAssertEqual(
            syntaxError("{\"a\": \"abc\n}"),
            "plugins.json:1:7: unterminated string; a line break inside a string must be written as \\n")
    }

    func testRawControlCharacterInStringIsRefused() {
        XCTAssertEqual(
            syntaxError("[\"a\tb\"]"), "plugins.json:1:4: control character U+0009 must be escaped inside a string")
    }

    func testInvalidEscapeIsRefused() {
        XCTAssertEqual(syntaxError(#"["a\qb"]"#), #"plugins.json:1:4: invalid escape sequence '\q' in a string"#)
    }

    func testLoneSurrogateIsRefused() {
        XCTAssertEqual(syntaxError(#"["\uD83D"]"#), #"plugins.json:1:3: unpaired UTF-16 surrogate \uD83D in a string"#)
    }

    func testLeadingZerosAreRefused() {
        XCTAssertEqual(syntaxError("[012]"), "plugins.json:1:2: numbers cannot have leading zeros")
    }

    func testIncompleteNumbersAreRefused() {
        XCTAssertEqual(syntaxError("[1.]"), "plugins.json:1:4: expected a digit after the decimal point")
        XCTAssertEqual(syntaxError("[1e+]"), "plugins.json:1:5: expected a digit in the exponent")
        XCTAssertEqual(syntaxError("[-x]"), "plugins.json:1:3: expected a digit after '-'")
        XCTAssertEqual(syntaxError("[+1]"), "plugins.json:1:2: expected a JSON value, found '+'")
    }

    func testDeepNestingIsRefusedInsteadOfCrashing() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertEqual(syntaxError(text), "plugins.json:1:513: values are nested more than 512 levels deep")
    }

    func testDuplicateKeysAreReportedWithBothLines() throws {
        let document = try JSONParser.parse("{\n  \"e\": [{\n    \"mode\": \"full\",\n    \"mode\": \"incremental\"\n  }]\n}")
        XCTAssertEqual(document.duplicateKeys.count, 1)
        let duplicate = try XCTUnwrap(document.duplicateKeys.first)
        XCTAssertEqual(duplicate.path.description, "$.e[0].mode")
        XCTAssertEqual(duplicate.firstLocation.line, 3)
        XCTAssertEqual(duplicate.duplicateLocation.line, 4)
        XCTAssertEqual(duplicate.message, "duplicate key \"mode\" (lines 3 and 4); keep one")
        XCTAssertEqual(document.root.value["e"]?.arrayValue?.first?["mode"], "full")
    }

    func testParsingAValueRefusesDuplicateKeys() {
        XCTAssertThrowsError(try JSONValue(parsing: "{\"a\": 1, \"a\": 2}")) { error in
            XCTAssertEqual("\(error)", "1:10: duplicate key \"a\" (lines 1 and 1); keep one")
        }
    }

    func testIntegersStayExactIntegers() throws {
        let value = try JSONValue(parsing: "[1630, 9223372036854775807, -9223372036854775808, 12345678901234567890]")
        let numbers = try XCTUnwrap(value.arrayValue?.compactMap(\.numberValue))
        XCTAssertEqual(numbers[0].int64Value, 1630)
        XCTAssertTrue(numbers[0].isIntegerLiteral)
        XCTAssertEqual(numbers[1].int64Value, Int64.max)
        XCTAssertEqual(numbers[2].int64Value, Int64.min)
        XCTAssertNil(numbers[3].int64Value, "beyond Int64: no silent rounding")
        XCTAssertEqual(numbers[3].text, "12345678901234567890")
    }

    func testFractionsAndExponentsKeepTheirText() throws {
        let value = try JSONValue(parsing: "[1.50, 2.5e-3, 1E3]")
        XCTAssertEqual(value.arrayValue?.compactMap(\.numberValue).map(\.text), ["1.50", "2.5e-3", "1E3"])
        XCTAssertEqual(value.arrayValue?[1].doubleValue, 0.0025)
        XCTAssertEqual(value.arrayValue?[2].int64Value, 1000)
    }

    func testNumbersCompareByValue() throws {
        XCTAssertEqual(try JSONValue(parsing: "1.0"), try JSONValue(parsing: "1"))
        XCTAssertNotEqual(try JSONValue(parsing: "9223372036854775807"), try JSONValue(parsing: "9223372036854775806"))
    }

    func testEscapesAndSurrogatePairsDecode() throws {
        let value = try JSONValue(parsing: #"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\uD83D\uDE00", "\u0000"]"#)
        XCTAssertEqual(value.arrayValue?[0], .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        XCTAssertEqual(value.arrayValue?[1], .string("é😀"))
        XCTAssertEqual(value.arrayValue?[2], .string("\u{0}"))
    }

    func testObjectsKeepKeyOrder() throws {
        let value = try JSONValue(parsing: #"{"z": 1, "a": 2, "m": 3}"#)
        XCTAssertEqual(value.objectValue?.keys, ["z", "a", "m"])
    }

    func testByteOrderMarkIsSkipped() throws {
        let document = try JSONParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        XCTAssertEqual(document.root.value, ["a": 1])
    }

    func testInvalidUTF8InAStringIsRefused() {
        XCTAssertThrowsError(try JSONParser.parse(bytes: [0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual("\(error)", "1:1: string is not valid UTF-8")
        }
    }
}
