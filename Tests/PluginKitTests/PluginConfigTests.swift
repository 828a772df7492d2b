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

    func testWrongTypeNamesTheKindFoundNeverTheValue() throws {
        let config = try config(#"{"b": true, "n": 1, "s": "secret", "a": [], "o": {}}"#)
        let found = ["a": "an array", "n": "a number", "o": "an object", "s": "a string"]
        for (key, kind) in found.sorted(by: { $0.key < $1.key }) {
            assertInvalid("config.\(key) must be true or false (found \(kind))") { _ = try config.bool(key) }
        }
        assertInvalid("config.b must be a string (found a boolean)") { _ = try config.string("b") }
    }

    func testIntegersAtBothEndsOfInt64AreReadExactly() throws {
        let config = try config(#"{"max": 9223372036854775807, "min": -9223372036854775808}"#)
        XCTAssertEqual(try config.int("max"), .max)
        XCTAssertEqual(try config.int("min"), .min)
    }

    func testIntegerBeyondInt64IsRefusedNotRounded() throws {
        let config = try config(#"{"id": 9223372036854775808}"#)
        assertInvalid("config.id must be an integer from -9223372036854775808 to 9223372036854775807 (found 9223372036854775808)") {
            _ = try config.int("id")
        }
    }

    func testLargeIntegerWithAnExponentIsRefusedNotGuessed() throws {
        let config = try config(#"{"n": 1e18}"#)
        assertInvalid("config.n must be written as plain digits, without a fraction or exponent (found 1e18)") {
            _ = try config.int("n")
        }
    }

    func testNumberBeyondTheRangeOfADoubleIsRefused() throws {
        let config = try config(#"{"ratio": 1e400}"#)
        assertInvalid("config.ratio must be a number within the range of a double (found 1e400)") { _ = try config.double("ratio") }
    }

    func testEscapesAndSurrogatePairsAreDecoded() throws {
        let config = try config(#"{"s": "q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00"}"#)
        XCTAssertEqual(try config.string("s"), "q\"b\\s/n\nt\tué😀")
    }

    func testLoneSurrogateIsRefusedAtItsPosition() {
        assertInvalid(#"config is not valid JSON: line 1, column 8: unpaired UTF-16 surrogate \uDC00 in a string"#) {
            _ = try PluginConfig(parsing: #"{"s": "\udc00"}"#)
        }
    }

    func testDuplicateKeyIsRefusedAtItsSecondOccurrence() {
        assertInvalid(#"options is not valid JSON: line 2, column 2: duplicate key "a" (lines 1 and 2); keep one"#) {
            _ = try PluginConfig(parsing: "{\"a\": 1,\n \"a\": 2}", path: "options")
        }
    }

    func testSyntaxErrorNamesLineAndColumn() {
        assertInvalid("config is not valid JSON: line 3, column 3: expected ',' or '}' after an object member") {
            _ = try PluginConfig(parsing: "{\n  \"a\": 1\n  \"b\": 2\n}")
        }
    }

    func testDeepNestingIsRefusedInsteadOfExhaustingTheStack() {
        let deep = #"{"a": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        assertInvalid("config is not valid JSON: line 1, column 518: values are nested more than 512 levels deep") {
            _ = try PluginConfig(parsing: deep)
        }
    }

    func testMembersKeepTheOrderTheyWereWrittenIn() throws {
        let config = try config(#"{"z": 1, "a": 2, "m": 3}"#)
        XCTAssertEqual(config.members.keys, ["z", "a", "m"])
        XCTAssertEqual(config.keys, ["a", "m", "z"])
    }

    func testConfigBuiltFromALiteralReadsLikeAParsedOne() throws {
        let built = PluginConfig(members: ["path": "/data", "limit": 5, "fsync": nil])
        XCTAssertEqual(built, try config(#"{"path": "/data", "limit": 5, "fsync": null}"#))
        XCTAssertEqual(try built.int("limit"), 5)
        XCTAssertEqual(try built.bool("fsync", default: true), true)
    }
}
