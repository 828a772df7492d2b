import ETLPluginKit
import XCTest

/// Typed access to a plugin's JSON config, and the messages its mistakes produce.
final class PluginConfigTests: XCTestCase {
    private func config(_ text: String) throws -> PluginConfig { try PluginConfig(parsing: text) }

    private func assertInvalid(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? PluginError, .invalidConfig(message), file: file, line: line)
        }
    }

    func testTypedValuesAreRead() throws {
        let config = try config(#"{"path": "/data", "fsync": false, "limit": 9007199254740993, "ratio": 0.5, "tags": ["a", "b"], "auth": {"user": "u"}}"#)
        XCTAssertEqual(try config.string("path"), "/data")
        XCTAssertEqual(try config.bool("fsync", default: true), false)
        XCTAssertEqual(try config.int("limit"), 9_007_199_254_740_993)
        XCTAssertEqual(try config.double("ratio"), 0.5)
        XCTAssertEqual(try config.optionalStringArray("tags"), ["a", "b"])
        XCTAssertEqual(try config.object("auth").string("user"), "u")
    }

    func testMissingKeysFallBackToDefaults() throws {
        let config = try config(#"{"fsync": null}"#)
        XCTAssertEqual(try config.bool("fsync", default: true), true)
        XCTAssertEqual(try config.int("limit", default: 10), 10)
        XCTAssertNil(try config.optionalString("path"))
    }

    func testMissingRequiredKeySaysWhereToAddIt() throws {
        let config = try config("{}")
        assertInvalid(#"config.directory is required: add "directory": "..." to the config object in the manifest"#) {
            _ = try config.string("directory")
        }
    }

    func testWrongTypeNamesThePathAndBothTypes() throws {
        let config = try config(#"{"auth": {"port": "80"}}"#)
        assertInvalid("config.auth.port must be an integer (found a string)") {
            _ = try config.object("auth").int("port")
        }
    }

    func testFractionalNumberIsNotAnInteger() throws {
        let config = try config(#"{"n": 2.5, "m": 2.0}"#)
        XCTAssertEqual(try config.int("m"), 2)
        assertInvalid("config.n must be an integer (found a number)") { _ = try config.int("n") }
    }

    func testNonStringArrayElementIsNamedByIndex() throws {
        let config = try config(#"{"tags": ["a", 1]}"#)
        assertInvalid("config.tags[1] must be a string (found a number)") { _ = try config.optionalStringArray("tags") }
    }

    func testUnknownKeyIsRefusedListingTheAllowedOnes() throws {
        let config = try config(#"{"directory": "/d", "fsnyc": true}"#)
        assertInvalid(#"config has unknown key "fsnyc"; the keys allowed are "directory", "fsync""#) {
            try config.rejectUnknownKeys(allowed: ["directory", "fsync"])
        }
    }

    func testConfigThatIsNotAnObjectIsRefused() {
        assertInvalid("config must be a JSON object (found an array)") { _ = try PluginConfig(parsing: "[1]") }
    }
}

/// The kit's JSON reader and writer.
final class JSONValueTests: XCTestCase {
    private func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error
        }
    }

    func testParsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null, "x"], "b": {}} "#)
        XCTAssertEqual(value, .object(["a": .array([.integer(1), .number(-2500), .bool(true), .bool(false), .null, .string("x")]), "b": .object([:])]))
    }

    func testIntegersBeyondDoublePrecisionStayExact() throws {
        XCTAssertEqual(try JSONValue.parse("9223372036854775807"), .integer(.max))
        XCTAssertEqual(try JSONValue.parse("9223372036854775808"), .number(9_223_372_036_854_775_808))
    }

    func testStringEscapesIncludingSurrogatePairsAreDecoded() throws {
        XCTAssertEqual(try JSONValue.parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00""#), .string("q\"b\\s/n\nt\tué😀"))
    }

    func testLoneSurrogateIsRefused() {
        XCTAssertEqual(parseError(#""\udc00""#)?.reason, "lone low surrogate \\udc00")
    }

    func testDuplicateKeyIsRefusedAtItsPosition() {
        XCTAssertEqual(parseError("{\"a\": 1,\n \"a\": 2}"), JSONParseError(reason: "duplicate object key \"a\"", line: 2, column: 2))
    }

    func testTrailingTextIsRefused() {
        XCTAssertEqual(parseError("{} x")?.reason, "unexpected text after the JSON value")
    }

    func testLeadingZeroIsRefused() {
        XCTAssertEqual(parseError("012")?.reason, "a number must not start with 0")
    }

    func testRawControlCharacterInAStringIsRefused() {
        XCTAssertEqual(parseError("\"a\tb\"")?.reason, "control character byte 0x9 inside a string must be escaped")
    }

    func testDeepNestingIsRefusedInsteadOfExhaustingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertEqual(parseError(deep)?.reason, "nesting deeper than 256 levels")
    }

    func testSerialisationIsCompactSortedAndEscaped() {
        let value = JSONValue.object(["b": .array([.integer(-3), .number(0.25), .null]), "a": .string("x\"\n\u{1}é"), "c": .number(.nan)])
        XCTAssertEqual(value.jsonText, #"{"a":"x\"\n\u0001é","b":[-3,0.25,null],"c":null}"#)
    }

    func testSerialisedTextParsesBackToTheSameValue() throws {
        let value = JSONValue.object(["s": .string("tab\there \\ \"q\" 😀"), "n": .integer(.min), "d": .number(1e-7), "l": .array([.bool(true)])])
        XCTAssertEqual(try JSONValue.parse(value.jsonText), value)
    }
}
