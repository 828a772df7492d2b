import ETLArrow
import ETLRuntimeCore
import Foundation
import XCTest

/// Without declared columns, types are inferred from the first `infer_rows` records;
/// `columns_from` reads declared columns from a file; `decimal_separator` and
/// `thousands_separator` read `1.234,56`.
final class CSVTypeInferenceTests: XCTestCase {
    private let files = CSVFixture()

    func testEachColumnGetsTheNarrowestTypeEverySampledValueReadsAs() throws {
        let path = try files.write("t.csv", """
            flag,count,ratio,day,at,label,empty,code
            true,1,1.5,2024-01-31,2024-01-31T10:00:00Z,a,,1
            FALSE,-2,3,2024-02-01,2024-02-01 11:30:00,b,,0
            ,,,,,c,,y

            """)
        let source = try CSVTestSource.make(["path": path])
        let fields = try source.discover()[0].schema.fields
        XCTAssertEqual(fields.map(\.type), [.bool, .int64, .double, .date32, .timestampMicrosecondsUTC, .utf8, .utf8, .utf8])
        let result = try source.readAll(stream: "t")
        XCTAssertEqual(result.rows.count, 3)
        XCTAssertTrue(result.rejects.isEmpty, "\(result.rejects)")
    }

    func testValuesAfterTheSampleThatDoNotFitTheInferredTypeAreRejectedWithTheirLine() throws {
        let path = try files.write("s.csv", "id\n1\n2\nthree\n")
        let result = try CSVTestSource.make(["path": path, "infer_rows": 2]).readAll(stream: "s")
        XCTAssertEqual(result.schema.fields.map(\.type), [.int64])
        XCTAssertEqual(result.rejectPositions, ["\(path):4"])
        XCTAssertEqual(result.rejects.map(\.reason), ["column id: \"three\" is not an int64"])
    }

    func testInferenceRespectsNullValuesAndADecimalComma() throws {
        let path = try files.write("br.csv", "valor;qtd\n1.234,56;1.000\n-;7\n")
        let source = try CSVTestSource.make([
            "path": path, "delimiter": ";", "decimal_separator": ",", "thousands_separator": ".", "null_values": ["-", ""],
        ])
        let result = try source.readAll(stream: "br")
        XCTAssertEqual(result.schema.fields.map(\.type), [.double, .int64])
        XCTAssertEqual(result.rows, [["1234.56", "1000"], [nil, "7"]])
    }

    func testDecimalCommaRefusesAPointRatherThanGuessing() throws {
        let path = try files.write("p.csv", "v\n1,5\n1.5\n")
        let result = try CSVTestSource.make([
            "path": path, "decimal_separator": ",", "quote": "\"", "delimiter": ";", "columns": [["name": "v", "type": "double"]],
        ]).readAll(stream: "p")
        XCTAssertEqual(result.rows, [["1.5"]])
        XCTAssertEqual(result.rejects.map(\.reason), ["column v: \"1.5\" is not a double"])
    }

    func testColumnsFromReadsDeclaredColumnsFromASchemaFile() throws {
        let schema = try files.write("schema.json", #"[{"name": "id", "type": "int64"}, {"name": "dia", "type": "date", "format": "%d/%m/%Y"}]"#)
        let path = try files.write("d.csv", "id,dia\n1,31/01/2024\n")
        let result = try CSVTestSource.make(["path": path, "columns_from": schema]).readAll(stream: "d")
        XCTAssertEqual(result.schema.fields.map(\.type), [.int64, .date32])
        XCTAssertEqual(result.rows, [["1", "19753"]])  // 2024-01-31 as days since 1970-01-01
    }

    func testColumnsFromErrorsNameTheFileAndTheEntry() throws {
        let bad = try files.write("bad.json", #"[{"name": "id", "type": "integer"}]"#)
        assertPluginError("invalid config", ["config.columns_from (\(bad)).columns[0].type \"integer\" is not a csv column type"]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "columns_from": bad])
        }
        assertPluginError("invalid config", ["config.columns_from: cannot read \(files.path("missing.json"))"]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "columns_from": files.path("missing.json")])
        }
        assertPluginError("invalid config", ["config has both columns and columns_from; keep one"]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "columns_from": bad, "columns": [["name": "a", "type": "text"]]])
        }
    }

    func testSeparatorsMustDiffer() throws {
        assertPluginError("invalid config", ["config.thousands_separator and decimal_separator are both \",\"; they must differ"]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.csv", "decimal_separator": ",", "thousands_separator": ","])
        }
    }
}
