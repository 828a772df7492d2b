import ETLRuntimeCore
import XCTest

final class JSONWriterTests: XCTestCase {
    func testCompactOutputKeepsOrderAndLiteralNumbers() throws {
        let value = try JSONValue(parsing: "{ \"b\" : [ 1.50 , true , null ], \"a\" : 12345678901234567890 }")
        XCTAssertEqual(value.serialized(), #"{"b":[1.50,true,null],"a":12345678901234567890}"#)
    }

    func testStringsAreEscaped() {
        let value: JSONValue = .string("quote\" backslash\\ newline\n tab\t cr\r bs\u{08} ff\u{0C} nul\u{0} unit\u{1F}")
        XCTAssertEqual(
            value.serialized(),
            #""quote\" backslash\\ newline\n tab\t cr\r bs\b ff\f nul\u0000 unit\u001F""#)
    }

    func testNonASCIIIsWrittenAsUTF8() {
        XCTAssertEqual(JSONValue.string("café 😀 ✓").serialized(), "\"café 😀 ✓\"")
    }

    func testParseSerializeParseRoundTrips() throws {
        let text = #"""
            {"name": "Ünïcødé \"quoted\" \\ back", "ctrl": "\u0001\u001f\n", "emoji": "\uD83D\uDE00",
             "numbers": [0, -1, 1.25, 6.02e23, 9223372036854775807, 123456789012345678901234567890],
             "nested": {"empty": {}, "list": [], "null": null, "flags": [true, false]}, "slash": "a\/b"}
            """#
        let first = try JSONValue(parsing: text)
        let written = first.serialized()
        let second = try JSONValue(parsing: written)
        XCTAssertEqual(first, second)
        XCTAssertEqual(second.serialized(), written)
        XCTAssertEqual(second["emoji"], "😀")
        XCTAssertEqual(second["numbers"]?.arrayValue?[5].numberValue?.text, "123456789012345678901234567890")
    }

    func testLiteralsBuildValues() {
        let value: JSONValue = ["id": 7, "tags": ["a", nil], "ok": true]
        XCTAssertEqual(value.serialized(), #"{"id":7,"tags":["a",null],"ok":true}"#)
    }

    func testNumbersFromDoublesAreValidJSON() throws {
        XCTAssertEqual(JSONNumber(3.0)?.text, "3")
        XCTAssertNil(JSONNumber(Double.nan))
        XCTAssertNil(JSONNumber(Double.infinity))
        let tiny = try XCTUnwrap(JSONNumber(0.00001))
        XCTAssertEqual(try JSONValue(parsing: tiny.text).doubleValue, 0.00001)
    }

    func testObjectEqualityIgnoresOrder() throws {
        XCTAssertEqual(try JSONValue(parsing: #"{"a":1,"b":2}"#), try JSONValue(parsing: #"{"b":2,"a":1}"#))
        XCTAssertEqual(Set([try JSONValue(parsing: #"{"a":1,"b":2}"#), try JSONValue(parsing: #"{"b":2,"a":1}"#)]).count, 1)
    }
}
