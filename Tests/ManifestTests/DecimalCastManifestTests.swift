import ETLRuntimeCore
import XCTest

/// The `decimal` cast in the manifest: `"decimal(P,S)"` or `{"type": "decimal", "precision": P,
/// "scale": S}` (precision 1...38, default 38; scale 0...P, required), with the number marks of
/// the double cast; every mistake is reported at its JSON path.
final class DecimalCastManifestTests: XCTestCase {
    private func load(_ cast: String) throws -> (issues: [String], transforms: [TransformStep]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + #", "mode": "full", "transforms": [{"cast": "# + cast + "}]"))
        return (workspace.rendered(result), result.manifest?.controlTable.first?.transforms.map(\.step) ?? [])
    }

    private let path = "plugins.json:6: $.control_table[0].transforms[0].cast"

    func testTheShorthandAndTheObjectFormGiveThePrecisionAndScale() throws {
        let loaded = try load(#"{"a": "decimal(12,2)", "b": "decimal( 5 , 0 )", "c": {"type": "decimal", "scale": 4}, "d": {"type": "decimal", "precision": 12, "scale": 2, "decimal": ",", "thousands": "."}, "e": {"type": "decimal(10,3)", "decimal": ","}}"#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.transforms, [.cast([
            ColumnCast(column: "a", type: .decimal, digits: DecimalDigits(precision: 12, scale: 2)),
            ColumnCast(column: "b", type: .decimal, digits: DecimalDigits(precision: 5, scale: 0)),
            ColumnCast(column: "c", type: .decimal, digits: DecimalDigits(precision: 38, scale: 4)),
            ColumnCast(column: "d", type: .decimal, decimalMark: ",", thousandsSeparator: ".", digits: DecimalDigits(precision: 12, scale: 2)),
            ColumnCast(column: "e", type: .decimal, decimalMark: ",", digits: DecimalDigits(precision: 10, scale: 3)),
        ])])
    }

    func testAMissingScaleIsAnErrorNotAGuess() throws {
        XCTAssertEqual(try load(#"{"a": "decimal", "b": {"type": "decimal", "precision": 12}}"#).issues, [
            #"\#(path).a: a decimal needs its scale (digits after the point): write "decimal(12,2)" (precision 12, scale 2), or {"type": "decimal", "scale": 2} (precision 38)"#,
            #"\#(path).b: missing required key "scale" (digits after the point, 0 to the precision): a decimal cast does not guess it, e.g. {"type": "decimal", "precision": 12, "scale": 2}"#,
        ])
    }

    func testPrecisionAndScaleOutsideDecimal128AreRefusedAtTheirKeys() throws {
        XCTAssertEqual(try load(#"{"a": {"type": "decimal", "precision": 39, "scale": 2}, "b": {"type": "decimal", "precision": 0, "scale": 0}, "c": {"type": "decimal", "precision": 5, "scale": 6}, "d": {"type": "decimal", "scale": -1}, "e": {"type": "decimal", "scale": "2"}}"#).issues, [
            #"\#(path).a.precision: a decimal holds at most 38 digits (Arrow decimal128), got 39"#,
            #"\#(path).b.precision: expected an integer > 0, got 0"#,
            #"\#(path).c.scale: the scale (digits after the point) must be 0 to the precision 5, got 6"#,
            #"\#(path).d.scale: expected an integer >= 0, got -1"#,
            #"\#(path).e.scale: expected an integer >= 0, got "2""#,
        ])
    }

    func testABadShorthandSaysHowToWriteIt() throws {
        XCTAssertEqual(try load(#"{"a": "decimal(12)", "b": "decimal(40,2)", "c": "decimal(4,5)", "d": "decimal(x,2)"}"#).issues, [
            #"\#(path).a: expected "decimal(P,S)" with the precision P (digits in all, 1 to 38) and the scale S (digits after the point, 0 to P), such as "decimal(12,2)", got "decimal(12)""#,
            #"\#(path).b: "decimal(40,2)": the precision (digits in all) must be 1 to 38, got 40"#,
            #"\#(path).c: "decimal(4,5)": the scale (digits after the point) must be 0 to the precision 4, got 5"#,
            #"\#(path).d: expected "decimal(P,S)" with the precision P (digits in all, 1 to 38) and the scale S (digits after the point, 0 to P), such as "decimal(12,2)", got "decimal(x,2)""#,
        ])
    }

    func testPrecisionAndScaleDoNothingOnOtherTypesSoTheyAreErrors() throws {
        XCTAssertEqual(try load(#"{"a": {"type": "double", "scale": 2}, "b": {"type": "decimal(12,2)", "precision": 12}}"#).issues, [
            #"\#(path).a.scale: "precision" and "scale" apply only to "decimal" casts"#,
            #"\#(path).b.precision: "decimal(12,2)" gives the precision and scale already; drop "precision" or write "type": "decimal""#,
        ])
    }

    func testAnUnknownTypeListsTheDecimalShorthand() throws {
        XCTAssertEqual(try load(#"{"a": "decimel"}"#).issues, [
            #"\#(path).a: expected a type name (string, int64, double, bool, date, timestamp, decimal(P,S)) or {"type": ..., "format": ...}, got "decimel"; did you mean "decimal(P,S)"?"#,
        ])
    }
}
