import ETLRuntimeCore
import XCTest

final class JSONSchemaValidatorTests: XCTestCase {
    /// Validates `value` against `schema` and returns the violations as `$.path: message`.
    private func violations(
        _ schema: String, _ value: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String] {
        let compiled = try JSONSchema(text: schema)
        let node = try JSONParser.parse(value).root
        return JSONSchemaValidator(schema: compiled).validate(node).violations.map(\.description)
    }

    private func schemaError(_ schema: String) -> String? {
        do {
            _ = try JSONSchema(text: schema)
            return nil
        } catch {
            return error.description
        }
    }

    func testTypeNamesWhatWasExpected() throws {
        XCTAssertEqual(try violations(#"{"type": "boolean"}"#, #""yes""#), [#"$: expected a boolean, got "yes""#])
        XCTAssertEqual(try violations(#"{"type": "object"}"#, "[1]"), ["$: expected an object, got an array"])
        XCTAssertEqual(try violations(#"{"type": "null"}"#, "{}"), ["$: expected null, got an object"])
        XCTAssertEqual(try violations(#"{"type": "boolean"}"#, "true"), [])
    }

    func testTypeListAcceptsAnyOfItsTypes() throws {
        let schema = #"{"type": ["string", "integer"]}"#
        XCTAssertEqual(try violations(schema, #""x""#), [])
        XCTAssertEqual(try violations(schema, "3"), [])
        XCTAssertEqual(try violations(schema, "3.5"), ["$: expected a string or an integer, got 3.5"])
    }

    func testIntegerAcceptsWholeNumbersOnlyAndNumberAcceptsAll() throws {
        XCTAssertEqual(try violations(#"{"type": "integer"}"#, "3.0"), [])
        XCTAssertEqual(try violations(#"{"type": "integer"}"#, "1.5"), ["$: expected an integer, got 1.5"])
        XCTAssertEqual(try violations(#"{"type": "number"}"#, "1.5"), [])
        XCTAssertEqual(try violations(#"{"type": "number"}"#, "12345678901234567890123"), [])
    }

    func testRequiredKeysAreReportedOnTheObject() throws {
        XCTAssertEqual(
            try violations(#"{"required": ["path", "header"]}"#, #"{"header": true}"#),
            [#"$: missing required key "path""#])
    }

    func testPropertiesAreCheckedAtTheirPath() throws {
        let schema = #"{"properties": {"header": {"type": "boolean"}, "n": {"type": "integer"}}}"#
        XCTAssertEqual(
            try violations(schema, #"{"header": "yes", "n": 2, "other": 1}"#),
            [#"$.header: expected a boolean, got "yes""#])
    }

    func testAdditionalPropertiesFalseSuggestsTheClosestKey() throws {
        let schema = #"{"properties": {"delimiter": {}, "header": {}}, "additionalProperties": false}"#
        XCTAssertEqual(
            try violations(schema, #"{"delimeter": ",", "colour": 1}"#),
            [#"$.delimeter: unknown key; did you mean "delimiter"?"#,
             #"$.colour: unknown key; allowed keys are "delimiter", "header""#])
    }

    func testAdditionalPropertiesSchemaChecksExtraMembers() throws {
        let schema = #"{"properties": {"a": {}}, "additionalProperties": {"type": "string"}}"#
        XCTAssertEqual(try violations(schema, #"{"a": 1, "b": "x", "c": 2}"#), ["$.c: expected a string, got 2"])
    }

    func testItemsAreCheckedAtTheirIndex() throws {
        XCTAssertEqual(
            try violations(#"{"items": {"type": "string"}}"#, #"["a", 2, "c", null]"#),
            ["$[1]: expected a string, got 2", "$[3]: expected a string, got null"])
    }

    func testEnumListsTheChoicesAndSuggests() throws {
        let schema = #"{"enum": ["comma", "tab", "pipe"]}"#
        XCTAssertEqual(try violations(schema, #""tab""#), [])
        XCTAssertEqual(
            try violations(schema, #""tabs""#),
            [#"$: expected "comma", "tab" or "pipe", got "tabs"; did you mean "tab"?"#])
        XCTAssertEqual(try violations(#"{"enum": [1, "a", null]}"#, "2"), [#"$: expected 1, "a" or null, got 2"#])
    }

    func testConstComparesValues() throws {
        XCTAssertEqual(try violations(#"{"const": 1}"#, "1.0"), [])
        XCTAssertEqual(try violations(#"{"const": "bearer"}"#, #""basic""#), [#"$: expected "bearer", got "basic""#])
        XCTAssertEqual(try violations(#"{"const": null}"#, "0"), ["$: expected null, got 0"])
    }

    func testNumericBoundsSayWhatIsAllowed() throws {
        XCTAssertEqual(try violations(#"{"type": "integer", "minimum": 1}"#, "0"), ["$: expected an integer >= 1, got 0"])
        XCTAssertEqual(try violations(#"{"type": "number", "maximum": 10}"#, "10.5"), ["$: expected a number <= 10, got 10.5"])
        XCTAssertEqual(try violations(#"{"exclusiveMinimum": 0}"#, "0"), ["$: expected a number > 0, got 0"])
        XCTAssertEqual(try violations(#"{"exclusiveMaximum": 5}"#, "5"), ["$: expected a number < 5, got 5"])
        XCTAssertEqual(try violations(#"{"minimum": 1, "maximum": 10}"#, "10"), [])
    }

    func testNumericBoundsAreExactForLargeIntegers() throws {
        XCTAssertEqual(
            try violations(#"{"maximum": 9007199254740992}"#, "9007199254740993"),
            ["$: expected a number <= 9007199254740992, got 9007199254740993"])
    }

    func testStringLengthCountsCharacters() throws {
        let schema = #"{"minLength": 1, "maxLength": 1}"#
        XCTAssertEqual(try violations(schema, #""é""#), [])
        XCTAssertEqual(try violations(schema, #""""#), [#"$: expected a string of at least 1 character, got """#])
        XCTAssertEqual(try violations(schema, #"";;""#), [#"$: expected a string of at most 1 character, got ";;""#])
    }

    func testMinItemsAndMaxItemsCountElements() throws {
        XCTAssertEqual(try violations(#"{"minItems": 1}"#, "[]"), ["$: expected at least 1 item, got 0"])
        XCTAssertEqual(try violations(#"{"maxItems": 2}"#, "[1, 2, 3]"), ["$: expected at most 2 items, got 3"])
    }

    func testUniqueItemsNamesTheRepeat() throws {
        XCTAssertEqual(
            try violations(#"{"uniqueItems": true}"#, #"["a", "b", "a"]"#), ["$[2]: items must be unique; this repeats item 0"])
    }

    func testPatternMatchesAnywhereUnlessAnchored() throws {
        XCTAssertEqual(try violations(#"{"pattern": "b+"}"#, #""abbc""#), [])
        XCTAssertEqual(
            try violations(#"{"pattern": "^https?://"}"#, #""ftp://x""#),
            [#"$: expected a string matching the pattern ^https?://, got "ftp://x""#])
    }

    func testPatternMatchesNonASCIITextByCharacter() throws {
        XCTAssertEqual(try violations(#"{"pattern": "^caf.$"}"#, #""café""#), [])
        XCTAssertEqual(try violations(#"{"pattern": "^[a-z]+$"}"#, #""café""#),
                       [#"$: expected a string matching the pattern ^[a-z]+$, got "café""#])
        XCTAssertEqual(try violations(#"{"pattern": "^\\d{3}(?=-)"}"#, #""123-x""#), [])
    }

    /// As in ECMA-262, `$` is the end of the text: a value with a line break after the digits
    /// is not "digits only".
    func testDollarMatchesOnlyAtTheVeryEnd() throws {
        XCTAssertEqual(try violations(#"{"pattern": "^[0-9]+$"}"#, #""5432""#), [])
        XCTAssertEqual(try violations(#"{"pattern": "^[0-9]+$"}"#, #""5432\n""#),
                       [#"$: expected a string matching the pattern ^[0-9]+$, got "5432\n""#])
    }

    /// A lookbehind, which Swift's Regex cannot read, still works (ICU matches it).
    func testLookbehindPatternsStillWork() throws {
        XCTAssertEqual(try violations(#"{"pattern": "(?<!-)\\b[a-z]+$"}"#, #""name""#), [])
        XCTAssertEqual(try violations(#"{"pattern": "(?<=^v)[0-9]+$"}"#, #""v12""#), [])
        XCTAssertEqual(try violations(#"{"pattern": "(?<=^v)[0-9]+$"}"#, #""w12""#),
                       [#"$: expected a string matching the pattern (?<=^v)[0-9]+$, got "w12""#])
    }

    func testAnyOfPassesWhenOneBranchPasses() throws {
        let schema = #"{"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}"#
        XCTAssertEqual(try violations(schema, #""a""#), [])
        XCTAssertEqual(try violations(schema, #"["a"]"#), [])
        XCTAssertEqual(try violations(schema, "[1]"), ["$[0]: expected a string, got 1"])
    }

    func testOneOfReportsTheClosestBranch() throws {
        let schema = #"""
            {"oneOf": [
              {"type": "object", "properties": {"type": {"const": "bearer"}, "token_env": {"type": "string"}},
               "required": ["type", "token_env"], "additionalProperties": false},
              {"type": "object", "properties": {"type": {"const": "basic"}, "user": {"type": "string"},
               "password": {"type": "string"}}, "required": ["type", "user", "password"], "additionalProperties": false}
            ]}
            """#
        XCTAssertEqual(try violations(schema, #"{"type": "bearer", "token_env": "T"}"#), [])
        XCTAssertEqual(
            try violations(schema, #"{"type": "bearer", "token_env": 5}"#), ["$.token_env: expected a string, got 5"])
        XCTAssertEqual(
            try violations(schema, #"{"type": "basic", "user": "u"}"#), [#"$: missing required key "password""#])
    }

    func testOneOfRefusesAValueMatchingTwoBranches() throws {
        XCTAssertEqual(
            try violations(#"{"oneOf": [{"type": "integer"}, {"type": "number"}]}"#, "3"),
            ["$: matches more than one of the allowed forms (oneOf alternatives 1 and 2); "
                + "the plugin's schema is ambiguous for this value"])
    }

    func testOneOfPrefersTheBranchOfTheRightType() throws {
        let schema = #"{"oneOf": [{"type": "string", "minLength": 3}, {"type": "object", "required": ["a", "b"]}]}"#
        XCTAssertEqual(try violations(schema, #""ab""#), [#"$: expected a string of at least 3 characters, got "ab""#])
    }

    func testAllOfAppliesEveryBranch() throws {
        XCTAssertEqual(
            try violations(#"{"allOf": [{"type": "integer"}, {"minimum": 5}]}"#, "3"), ["$: expected a number >= 5, got 3"])
    }

    func testLocalReferencesResolveToDefinitions() throws {
        let schema = #"""
            {"type": "array", "items": {"$ref": "#/$defs/column"},
             "$defs": {"column": {"type": "object", "required": ["name"]}}}
            """#
        XCTAssertEqual(try violations(schema, #"[{"name": "a"}, {}]"#), [#"$[1]: missing required key "name""#])
    }

    func testRecursiveReferencesWork() throws {
        let schema = ##"{"type": "object", "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}}}"##
        XCTAssertEqual(try violations(schema, #"{"child": {"child": {"n": "x"}}}"#), [#"$.child.child.n: expected an integer, got "x""#])
    }

    func testBooleanSchemas() throws {
        XCTAssertEqual(try violations("true", "[1]"), [])
        XCTAssertEqual(try violations("false", "1"), ["$: no value is allowed here"])
    }

    func testAnnotationsAreIgnored() throws {
        let schema = #"""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t", "description": "d",
             "default": 3, "examples": [1], "$comment": "c", "format": "uri", "type": "integer"}
            """#
        XCTAssertEqual(try violations(schema, "7"), [])
    }

    func testFormatPathResolvesRelativeStringsAgainstTheBase() throws {
        let schema = try JSONSchema(text: #"""
            {"properties": {"path": {"type": "string", "format": "path"},
             "paths": {"type": "array", "items": {"type": "string", "format": "path"}}, "name": {"type": "string"}}}
            """#)
        let node = try JSONParser.parse(#"{"path": "data/../in.csv", "paths": ["/abs/x", "./y/*.csv"], "name": "n"}"#).root
        let result = JSONSchemaValidator(schema: schema, pathBase: "/srv/etl").validate(node)
        XCTAssertEqual(result.violations, [])
        XCTAssertEqual(result.value.value, ["path": "/srv/etl/in.csv", "paths": ["/abs/x", "/srv/etl/y/*.csv"], "name": "n"])
    }

    func testFormatPathLeavesURLsAsWritten() throws {
        let schema = try JSONSchema(text: #"{"properties": {"path": {"type": "string", "format": "path"}}}"#)
        for url in ["https://example.com/data/adult.csv", "sftp://files.example.com:2222/drop/*.csv", "s3+http://b/k"] {
            let node = try JSONParser.parse(#"{"path": "\#(url)"}"#).root
            let result = JSONSchemaValidator(schema: schema, pathBase: "/srv/etl").validate(node)
            XCTAssertEqual(result.value.value, ["path": .string(url)])
        }
        let relative = try JSONParser.parse(#"{"path": "data/x://y"}"#).root
        XCTAssertEqual(
            JSONSchemaValidator(schema: schema, pathBase: "/srv/etl").validate(relative).value.value,
            ["path": "/srv/etl/data/x:/y"])
    }

    func testViolationsCarryTheLineOfTheValue() throws {
        let schema = try JSONSchema(text: #"{"properties": {"header": {"type": "boolean"}}}"#)
        let node = try JSONParser.parse("{\n\n  \"header\": \"yes\"\n}").root
        let violation = try XCTUnwrap(JSONSchemaValidator(schema: schema).validate(node).violations.first)
        XCTAssertEqual(violation.location, JSONLocation(line: 3, column: 13))
    }

    func testUnsupportedKeywordMakesTheSchemaUnusable() {
        XCTAssertEqual(
            schemaError(#"{"properties": {"a": {"patternProperties": {}}}}"#),
            #"at #/properties/a/patternProperties: unsupported keyword "patternProperties"; supported: type, "#
                + "properties, required, additionalProperties, items, enum, const, minimum, maximum, exclusiveMinimum, "
                + "exclusiveMaximum, minLength, maxLength, minItems, maxItems, uniqueItems, pattern, allOf, anyOf, "
                + "oneOf, $defs, $ref, format, x-etl-write-modes")
    }

    func testSchemaThatIsNotJSONIsUnusable() {
        XCTAssertEqual(schemaError(#"{"type": "object",}"#), "at #: not valid JSON: 1:18: trailing comma is not allowed")
    }

    func testMalformedKeywordsAreUnusable() {
        XCTAssertEqual(schemaError(#"{"type": "str"}"#), #"at #/type: unknown type "str"; did you mean "string"?"#)
        XCTAssertEqual(schemaError(#"{"required": "a"}"#), #"at #/required: "required" must be an array of strings"#)
        XCTAssertEqual(schemaError(#"{"minLength": -1}"#), #"at #/minLength: "minLength" must be an integer >= 0"#)
        XCTAssertEqual(schemaError(#"{"pattern": "("}"#), #"at #/pattern: "pattern" is not a valid regular expression: "(""#)
        XCTAssertEqual(schemaError("[]"), "at #: a schema must be an object or a boolean")
        XCTAssertEqual(schemaError(#"{"x-etl-write-modes": ["upsert"]}"#),
                       #"at #/x-etl-write-modes: "x-etl-write-modes" names "upsert", which is no write mode; expected some of "replace", "append", "merge", "scd2""#)
    }

    func testReferencesMustBeLocalAndDefined() {
        XCTAssertEqual(
            schemaError(##"{"$ref": "other.json#/x"}"##),
            ##"at #/$ref: only local references of the form "#/$defs/NAME" are supported, got "other.json#/x""##)
        XCTAssertEqual(
            schemaError(##"{"items": {"$ref": "#/$defs/missing"}}"##),
            "at #/items/$ref: \"$ref\" points at #/$defs/missing, which is not defined")
    }
}
