import CETLPlugin
import ETLArrow
import XCTest

/// decimal128 (`"d:P,S"`): the format string both ways, the 16-byte little-endian two's
/// complement values through the builder, an export and an import, and the text of a value.
final class Decimal128Tests: XCTestCase {
    private let money = ArrowColumnType.decimal128(precision: 12, scale: 2)

    func testFormatStringsReadAndWriteThePrecisionAndScale() {
        XCTAssertEqual(ArrowColumnType(rawValue: "d:12,2"), money)
        XCTAssertEqual(ArrowColumnType(rawValue: "d:12,2,128"), money, "the explicit 128-bit width is the same type")
        XCTAssertEqual(money.format, "d:12,2")
        XCTAssertEqual(ArrowColumnType(rawValue: "d:38,0"), .decimal128(precision: 38, scale: 0))
        for outside in ["d:12,2,256", "d:39,2", "d:0,0", "d:5,6", "d:5,-1", "d:12", "d:12,2,64", "d:a,b", "d:+5,2"] {
            XCTAssertNil(ArrowColumnType(rawValue: outside), outside)
        }
    }

    func testAWideDecimalIsRefusedNamingTheColumnAndTheLimits() {
        var raw = ArrowSchema()
        ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: money)]).export(to: &raw)
        defer { raw.release?(&raw) }
        let original = raw.children[0]!.pointee.format
        let wide: StaticString = "d:40,2,256"
        raw.children[0]!.pointee.format = UnsafeRawPointer(wide.utf8Start).assumingMemoryBound(to: CChar.self)
        defer { raw.children[0]!.pointee.format = original }
        XCTAssertThrowsError(try ArrowSchemaDescription(importing: &raw)) { error in
            let message = (error as! ArrowError).message
            XCTAssertTrue(message.contains(#"column 0 ("amount") has Arrow format "d:40,2,256""#), message)
            XCTAssertTrue(message.contains(#"ABI 1 carries decimal128 with a precision of 1 to 38"#), message)
            XCTAssertTrue(message.contains(#""d:P,S" (decimal128, precision 1...38, scale 0...P)"#), message)
        }
    }

    func testValuesRoundTripThroughExportAndImport() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: money), ArrowField(name: "id", type: .int64)])
        let values: [Int128?] = [123_456, -5, nil, 999_999_999_999, -999_999_999_999, 0]
        let builder = RecordBatchBuilder(schema: schema)
        for (row, value) in values.enumerated() {
            if let value { try builder.append(decimal128: ArrowDecimal(unscaled: value, scale: 2), column: 0) } else { try builder.appendNull(column: 0) }
            try builder.append(int64: Int64(row), column: 1)
        }
        var array = ArrowArray()
        try builder.finish(into: &array)
        // The layout the C Data Interface fixes: a validity bitmap, then 16 bytes per value,
        // low word first, two's complement.
        let child = array.children[0]!.pointee
        XCTAssertEqual(child.n_buffers, 2)
        let bytes = child.buffers[1]!
        XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 16, as: Int64.self), -5, "low word of -5")
        XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 24, as: Int64.self), -1, "high word of -5: the sign extends")
        var schemaOut = ArrowSchema()
        schema.export(to: &schemaOut)
        defer { schemaOut.release?(&schemaOut) }
        XCTAssertEqual(String(cString: schemaOut.children[0]!.pointee.format), "d:12,2")
        let imported = try ImportedRecordBatch(taking: &array, schema: try ArrowSchemaDescription(importing: &schemaOut))
        let column = imported.column(0)
        XCTAssertEqual((0..<imported.rowCount).map { column.isNull($0) ? nil : column.decimal128($0).text },
                       ["1234.56", "-0.05", nil, "9999999999.99", "-9999999999.99", "0.00"])
    }

    func testTheBuilderRefusesAnotherScaleAndTooManyDigits() throws {
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: money)]))
        XCTAssertThrowsError(try builder.append(decimal128: ArrowDecimal(unscaled: 15, scale: 1), column: 0)) { error in
            XCTAssertEqual((error as! ArrowError).kind, .misuse)
            XCTAssertTrue("\(error)".contains("cannot append 1.5 (scale 1) to column 0 (\"amount\"): the column is decimal(12,2)"), "\(error)")
        }
        XCTAssertThrowsError(try builder.append(decimal128: ArrowDecimal(unscaled: 1_000_000_000_000, scale: 2), column: 0)) { error in
            XCTAssertEqual((error as! ArrowError).kind, .badData)
            XCTAssertTrue("\(error)".contains("cannot append 10000000000.00 to column 0 (\"amount\"): it has more digits than decimal(12,2) holds"), "\(error)")
        }
        XCTAssertThrowsError(try builder.append(int64: 1, column: 0))
        XCTAssertEqual(builder.rowCount, 0, "nothing was appended")
    }

    func testTextIsExactAndComparisonsCrossScales() {
        XCTAssertEqual(ArrowDecimal(unscaled: -1, scale: 3).text, "-0.001")
        XCTAssertEqual(ArrowDecimal(unscaled: 42, scale: 0).text, "42")
        let largest = ArrowDecimal(unscaled: ArrowDecimal.powersOfTen[38] - 1, scale: 38)
        XCTAssertEqual(largest.text, "0." + String(repeating: "9", count: 38))
        XCTAssertEqual(ArrowDecimal.compare(ArrowDecimal(unscaled: 150, scale: 2), ArrowDecimal(unscaled: 15, scale: 1)), 0)
        XCTAssertEqual(ArrowDecimal.compare(ArrowDecimal(unscaled: ArrowDecimal.powersOfTen[37], scale: 0), largest), 1, "no overflow when rescaling")
        XCTAssertEqual(ArrowDecimal.compare(ArrowDecimal(unscaled: -ArrowDecimal.powersOfTen[37], scale: 0), largest), -1)
        XCTAssertEqual(ArrowDecimal(unscaled: 123_456, scale: 2).doubleValue, 1234.56)
    }

    func testTheParserReadsExponentsAndRefusesWhatIsNotANumber() {
        let parser = ArrowDecimalParser(precision: 10, scale: 3)
        XCTAssertEqual(try parser.parse("1.25e2").get().text, "125.000")
        XCTAssertEqual(try parser.parse("5E-3").get().text, "0.005")
        XCTAssertEqual(try parser.parse("+007.5").get().text, "7.500")
        XCTAssertEqual(try parser.parse(".5").get().text, "0.500")
        for bad in ["", "-", ".", "1.2.3", "1e", "nan", "inf", "0x10", "1,5", "1 000"] {
            XCTAssertThrowsError(try parser.parse(bad).get(), bad)
        }
        XCTAssertEqual(ArrowDecimalParser(precision: 10, scale: 2, decimalMark: ",", thousandsSeparator: " ").parse("1 234,5"),
                       .success(ArrowDecimal(unscaled: 123_450, scale: 2)))
    }
}
