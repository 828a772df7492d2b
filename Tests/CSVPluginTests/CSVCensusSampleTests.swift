import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The census sample shipped in examples/data: no header, a space after every comma, "?" for
/// missing values, a trailing blank line.
final class CSVCensusSampleTests: XCTestCase {
    private let samplePath = TestPaths.source("examples/data/adult.data")

    /// The declarations in examples/data/adult.names.json.
    private func declaredColumns() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.source("examples/data/adult.names.json")))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    private func censusConfig(trim: Bool = true) throws -> [String: Any] {
        ["path": samplePath, "header": false, "columns": try declaredColumns(), "null_values": ["?"], "trim": trim]
    }

    func testNamesFileDeclaresTheFifteenCensusColumns() throws {
        let streams = try CSVTestSource.make(try censusConfig()).discover()
        XCTAssertEqual(streams.map(\.name), ["adult"])
        let fields = streams[0].schema.fields
        XCTAssertEqual(fields.map(\.name), [
            "age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation", "relationship",
            "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income",
        ])
        XCTAssertEqual(fields.filter { $0.type == .int64 }.map(\.name),
                       ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"])
        XCTAssertEqual(fields.filter { $0.type == .utf8 }.count, 9)
    }

    func testSampleLoadsFourThousandRowsWithoutRejects() throws {
        let result = try CSVTestSource.make(try censusConfig()).readAll(stream: "adult")
        XCTAssertEqual(result.rows.count, 4000)
        XCTAssertEqual(result.rejects, [])
    }

    func testQuestionMarksLoadAsNullAndTrimmedTextKeepsNoLeadingSpace() throws {
        let result = try CSVTestSource.make(try censusConfig()).readAll(stream: "adult")
        // Count the "?" in each column straight from the file.
        let lines = try String(contentsOfFile: samplePath, encoding: .utf8).split(separator: "\n")
        let expectedMissing = (0..<15).map { column in lines.filter { $0.components(separatedBy: ", ")[column] == "?" }.count }
        let loadedNulls = (0..<15).map { column in result.rows.filter { $0[column] == nil }.count }
        XCTAssertEqual(loadedNulls, expectedMissing)
        XCTAssertGreaterThan(loadedNulls[1] + loadedNulls[6] + loadedNulls[13], 0)
        XCTAssertFalse(result.rows.contains { row in row.contains { $0?.hasPrefix(" ") == true } })
        XCTAssertEqual(result.rows[0].count, 15)
    }

    func testWithoutTrimTheSpacedNumbersAreRejectedNotCoerced() throws {
        let result = try CSVTestSource.make(try censusConfig(trim: false)).readAll(stream: "adult")
        XCTAssertEqual(result.rows.count, 0)
        XCTAssertEqual(result.rejects.count, 4000)
        XCTAssertTrue(result.rejects[0].reason.hasPrefix("column fnlwgt: \" "), result.rejects[0].reason)
        XCTAssertEqual(result.rejects[0].position, samplePath + ":1")
    }

    func testDescriptorSchemaAcceptsTheCensusConfig() throws {
        let schema = try JSONSchema(text: try CSVTestSource.plugin().info.configSchemaJSON)
        let document = try JSONParser.parse(try CSVTestSource.json(try censusConfig()))
        let result = JSONSchemaValidator(schema: schema).validate(document.root)
        XCTAssertTrue(result.isValid, "\(result.violations)")
    }

    func testDescriptorSchemaRefusesUnknownKeys() throws {
        let schema = try JSONSchema(text: try CSVTestSource.plugin().info.configSchemaJSON)
        let document = try JSONParser.parse(#"{"path": "a.csv", "delimeter": ";"}"#)
        XCTAssertFalse(JSONSchemaValidator(schema: schema).validate(document.root).isValid)
    }
}
