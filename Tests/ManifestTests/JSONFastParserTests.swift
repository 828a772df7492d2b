import ETLRuntimeCore
@testable import ETLJSON
import XCTest

/// `JSONValue(parsingFast:)` must be indistinguishable from `JSONValue(parsing:)` except in speed:
/// the same texts accepted, the same values, the same errors at the same places.
final class JSONFastParserTests: XCTestCase {
    /// Every text `JSONParserTests` refuses, plus the edges of each literal, number and escape.
    private static let refused: [String] = [
        "{\"é\": 1 2}", "{\n  \"a\": 1\n  \"b\": 2\n}", "[1 2]", "{\n  \"a\": 1,\n}", "[1, 2, ]",
        "{\n  // note\n  \"a\": 1\n}", "/* x */ 1", "{a: 1}", "{\"a\": 'x'}", "{\"a\" 1}", "[True]", "{\"mode\": full}",
        "  \n", "", "{\"a\": 1", "{} {}", "{\"a\": \"abc\n}", "[\"a\tb\"]", #"["a\qb"]"#, #"["\uD83D"]"#, "[012]",
        "[1.]", "[1e+]", "[-x]", "[+1]", "tru", "truex", "true1", "nul", "null_", "fals", "falsey", "-", "-01", "1.e3",
        ".5", "1e", "0x10", "[1,,2]", "[,1]", "{,}", "{\"a\":1,,\"b\":2}", "{\"a\"}", "{\"a\":}", "{1: 2}", "[", "]", "{",
        "}", "\"abc", #""\u12""#, #""\u12G4""#, #""\uDC00""#, #""\uD800\u0041""#, #""\uD800\n""#, #""\"#, "\u{00A0}1",
        "[1]\u{00A0}", "1 2", "\"a\u{7}\"", "[\"a\", \"b\"\"c\"]", "{\"a\": 1 \"b\": 2}", "NaN", "Infinity", "-Infinity",
        "{\"a\": 1, \"a\": 2}", "[{\"k\": 1, \"x\": [], \"k\": {}}]",
    ]

    /// Texts both parsers accept, covering every kind of value and escape.
    private static let accepted: [String] = [
        "0", "-0", "1630", "-12.5e+3", "1E3", "1.50", "2.5e-3", "9223372036854775807", "-9223372036854775808",
        "12345678901234567890", "true", "false", "null", "\"\"", "\"plain\"", "\"Tâche 11 \\\"urgent\\\"\"",
        #"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\uD83D\uDE00", "\u0000"]"#, "[]", "{}", " \t\r\n[ 1 , [ ] , { } ] \n",
        #"{"z": 1, "a": 2, "m": 3}"#, #"{"id": 7, "assignees": [{"username": "ana"}], "points": null, "done": false}"#,
        "\u{FEFF}{\"a\": 1}", "\"😀 é \u{7F}\"", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14]",
    ]

    private func fastError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONValue(parsingFast: Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    private func positionedError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONValue(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    func testEveryTextThePositionedParserRefusesIsRefusedWithTheSameMessage() {
        for text in Self.refused {
            let expected = positionedError(text)
            XCTAssertNotNil(expected, "corpus text \(text.debugDescription) should be refused")
            XCTAssertEqual(fastError(text), expected, "for \(text.debugDescription)")
        }
    }

    func testEveryAcceptedTextGivesTheSameValueAndLiteralText() throws {
        for text in Self.accepted {
            let expected = try JSONValue(parsing: text)
            let fast = try JSONValue(parsingFast: Array(text.utf8))
            XCTAssertEqual(fast, expected, "for \(text.debugDescription)")
            // Numbers compare by value and objects ignore order, so compare the written form too.
            XCTAssertEqual(fast.serialized(), expected.serialized(), "for \(text.debugDescription)")
        }
    }

    func testDuplicateKeyIsRefusedAtTheRepeatedKey() {
        XCTAssertEqual(fastError("{\"a\": 1, \"a\": 2}")?.description, "1:10: duplicate key \"a\" (lines 1 and 1); keep one")
    }

    func testDuplicateKeyInALargeObjectIsRefused() {
        let members = (0..<40).map { "\"k\($0)\": \($0)" } + ["\n\"k7\": 0"]
        XCTAssertEqual(
            fastError("{" + members.joined(separator: ", ") + "}")?.description,
            "2:1: duplicate key \"k7\" (lines 1 and 2); keep one")
    }

    func testNestingLimitIsKept() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try JSONValue(parsingFast: Array(deepest.utf8)))
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        XCTAssertEqual(fastError(tooDeep)?.description, "1:513: values are nested more than 512 levels deep")
    }

    func testInvalidUTF8IsRefusedInPlainAndEscapedStrings() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22], [0x5B, 0xC3, 0x5D]] {
            XCTAssertThrowsError(try JSONValue(parsingFast: bytes), "bytes \(bytes)")
        }
    }

    func testRawBufferAndArrayEntryPointsAgree() throws {
        let bytes = Array(#"{"a": [1, "x", {"b": null}]}"#.utf8)
        let fromBuffer = try bytes.withUnsafeBytes { try JSONValue(parsingFast: $0) }
        XCTAssertEqual(fromBuffer, try JSONValue(parsingFast: bytes))
        XCTAssertEqual(fromBuffer, ["a": [1, "x", ["b": nil]]])
    }

    /// A parse outcome that compares values by their written form (numbers compare by value and
    /// objects ignore order, so equal values may still be written differently).
    private enum Verdict: Equatable {
        case value(String)
        case error(JSONSyntaxError)
    }

    private func fastVerdict(_ bytes: [UInt8]) -> Verdict {
        do {
            return .value(try JSONValue(parsingFast: bytes).serialized())
        } catch {
            return .error(error)
        }
    }

    private func positionedVerdict(_ bytes: [UInt8]) -> Verdict {
        do {
            let document = try JSONParser.parse(bytes: bytes)
            if let duplicate = document.duplicateKeys.first {
                return .error(JSONSyntaxError(location: duplicate.duplicateLocation, message: duplicate.message))
            }
            return .value(document.root.value.serialized())
        } catch {
            return .error(error)
        }
    }

    /// Mutates valid documents byte by byte (deterministically) and checks both parsers agree on
    /// each result: the same value or the same error.
    func testMutatedDocumentsAreJudgedAlikeByBothParsers() {
        let seeds = Self.accepted.map { Array($0.utf8) }
        let alphabet = Array("{}[]\",:\\/ \t\n0123456789.eE+-truefalsnl\u{E9}x".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for round in 0..<4_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...next(3) {
                let at = next(bytes.count + 1)
                switch next(3) {
                case 0: bytes.insert(alphabet[next(alphabet.count)], at: at)
                case 1 where at < bytes.count: bytes.remove(at: at)
                default: if at < bytes.count { bytes[at] = alphabet[next(alphabet.count)] }
                }
            }
            let expected = positionedVerdict(bytes)
            let fast = fastVerdict(bytes)
            if case .value = expected, bytes.withUnsafeBytes({ JSONFastScanner.parse($0) }) == nil {
                // The public entry point would hide a scanner that refuses good text (by falling
                // back to the positioned parser), so the scanner itself must accept it.
                XCTFail("the fast scanner gave up on valid bytes \(bytes)")
            }
            XCTAssertEqual(fast, expected, "bytes \(bytes)")
        }
    }
}
