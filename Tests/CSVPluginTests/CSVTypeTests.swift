import ETLArrow
import ETLRuntimeCore
import TestSupport
import XCTest

/// Every declared type: what it accepts, what it loads, and what it rejects (never coerced).
final class CSVTypeTests: XCTestCase {
    private let files = CSVFixture()

    /// Reads one column of `type` holding `values` (one per line, no header); returns the rows'
    /// rendered values and the rejects' reasons by line.
    private func read(_ type: String, format: String? = nil, _ values: [String], extra: [String: Any] = [:]) throws
        -> (values: [String?], rejects: [String: String]) {
        var column: [String: Any] = ["name": "v", "type": type]
        if let format { column["format"] = format }
        let path = try files.write("values.csv", values.joined(separator: "\n") + "\n")
        var config: [String: Any] = ["path": path, "header": false, "columns": [column]]
        config.merge(extra) { $1 }
        let result = try CSVTestSource.make(config).readAll(stream: "values")
        var rejects: [String: String] = [:]
        for reject in result.rejects { rejects[String(reject.position.split(separator: ":").last!)] = reject.reason }
        return (result.rows.map { $0[0] }, rejects)
    }

    func testInt64AcceptsSignedDecimalDigitsOnly() throws {
        let result = try read("int64", ["+5", "-9223372036854775808", "9223372036854775807", "007"])
        XCTAssertEqual(result.values, ["5", "-9223372036854775808", "9223372036854775807", "7"])
        XCTAssertEqual(result.rejects, [:])
    }

    func testInt64RejectsFractionsExponentsOverflowAndBlanks() throws {
        let result = try read("int64", ["1.0", "1e3", "9223372036854775808", " 4", "4x", "-"])
        XCTAssertEqual(result.values, [])
        XCTAssertEqual(result.rejects["1"], "column v: \"1.0\" is not an int64")
        XCTAssertEqual(result.rejects["3"], "column v: \"9223372036854775808\" is not an int64")
        XCTAssertEqual(result.rejects["4"], "column v: \" 4\" is not an int64")
        XCTAssertEqual(result.rejects.count, 6)
    }

    func testDoubleReadsDecimalsExponentsAndSpecialValues() throws {
        let result = try read("double", ["1.5", "-2e3", ".25", "1e-7", "0.1", "123456789012345678901234", "NaN", "-inf"])
        XCTAssertEqual(result.values, ["1.5", "-2000.0", "0.25", "1e-07", "0.1", "1.2345678901234569e+23", "nan", "-inf"])
    }

    func testDoubleRejectsCommasAndHex() throws {
        let result = try read("double", ["1,5", "0x10", "1e", "."], extra: ["delimiter": ";"])
        XCTAssertEqual(result.values, [])
        XCTAssertEqual(result.rejects["1"], "column v: \"1,5\" is not a double")
        XCTAssertEqual(result.rejects.count, 4)
    }

    func testBoolAcceptsTheDocumentedWordsInAnyCase() throws {
        let result = try read("bool", ["TRUE", "false", "Yes", "no", "Y", "n", "t", "F", "1", "0"])
        XCTAssertEqual(result.values, ["true", "false", "true", "false", "true", "false", "true", "false", "true", "false"])
    }

    func testBoolRejectsAnythingElse() throws {
        let result = try read("bool", ["maybe", "2", "on"])
        XCTAssertEqual(result.values, [])
        XCTAssertEqual(result.rejects["1"], "column v: \"maybe\" is not a bool (true/false, t/f, yes/no, y/n or 1/0)")
    }

    func testTimestampDefaultsToISO8601WithFractionAndOffsetInUTCMicroseconds() throws {
        let result = try read("timestamp", [
            "2024-01-05T10:20:30Z", "2024-01-05 10:20:30.123456+02:00", "2024-01-05", "2024-01-05T10:20", "1969-12-31T23:59:59.5Z",
            "2024-01-05T10:20:30.1234567891Z",
        ])
        XCTAssertEqual(result.values, ["1704450030000000", "1704442830123456", "1704412800000000", "1704450000000000", "-500000"])
        XCTAssertEqual(result.rejects["6"], "column v: \"2024-01-05T10:20:30.1234567891Z\" is not an ISO 8601 timestamp")
    }

    func testTimestampDropsDigitsBelowTheMicrosecond() throws {
        XCTAssertEqual(try read("timestamp", ["2024-01-05T10:20:30.123456789Z"]).values, ["1704450030123456"])
    }

    func testTimestampRejectsImpossibleDatesAndOtherLayouts() throws {
        let result = try read("timestamp", ["2024-13-01T00:00:00Z", "2023-02-29", "05/01/2024", "2024-01-05T24:00:00Z"])
        XCTAssertEqual(result.values, [])
        XCTAssertEqual(result.rejects.count, 4)
        XCTAssertEqual(result.rejects["3"], "column v: \"05/01/2024\" is not an ISO 8601 timestamp")
    }

    func testTimestampFormatReadsDayMonthYear() throws {
        let result = try read("timestamp", format: "%d/%m/%Y %H:%M:%S", ["05/01/2024 10:20:30", "2024-01-05 10:20:30"])
        XCTAssertEqual(result.values, ["1704450030000000"])
        XCTAssertEqual(result.rejects["2"], "column v: \"2024-01-05 10:20:30\" is not a timestamp in the format \"%d/%m/%Y %H:%M:%S\"")
    }

    func testTimestampFormatReadsMonthNamesTwelveHourClockAndOffsets() throws {
        let result = try read("timestamp", format: "%d-%b-%Y %I:%M %p %z", ["5-Jan-2024 3:04 PM +0100", "05-JANUARY-2024 12:00 am Z"])
        XCTAssertEqual(result.values, ["1704463440000000", "1704412800000000"])
    }

    func testTimestampFormatReadsEpochSecondsAndFractions() throws {
        let result = try read("timestamp", format: "%s.%f", ["1704450030.25"])
        XCTAssertEqual(result.values, ["1704450030250000"])
    }

    func testDateDefaultsToYearMonthDay() throws {
        let result = try read("date", ["1970-01-01", "2024-02-29", "1969-12-31", "2023-02-29", "2024/01/05"])
        XCTAssertEqual(result.values, ["0", "19782", "-1"])
        XCTAssertEqual(result.rejects["4"], "column v: \"2023-02-29\" is not a date in the format \"%Y-%m-%d\"")
        XCTAssertNotNil(result.rejects["5"])
    }

    func testDateFormatIsApplied() throws {
        XCTAssertEqual(try read("date", format: "%d.%m.%y", ["29.02.24", "01.01.70"]).values, ["19782", "0"])
    }

    func testDateFormatWithATimeOfDayIsRefusedAtCreate() throws {
        let path = try files.write("d.csv", "x\n")
        assertPluginError("invalid config", ["config.columns[0].format", "declare it as \"timestamp\""]) {
            _ = try CSVTestSource.make(["path": path, "header": false, "columns": [["name": "d", "type": "date", "format": "%Y-%m-%d %H"]]])
        }
    }

    func testUnknownFormatDirectiveIsRefusedAtCreate() throws {
        let path = try files.write("d.csv", "x\n")
        assertPluginError("invalid config", ["uses %Q"]) {
            _ = try CSVTestSource.make(["path": path, "header": false, "columns": [["name": "d", "type": "timestamp", "format": "%Q"]]])
        }
    }

    func testUnquotedNullValuesBecomeNullAndQuotedValuesNeverDo() throws {
        let path = try files.write("n.csv", "a,b,c,d\n,NA,\"NA\",\"\"\n")
        let result = try CSVTestSource.make(["path": path, "null_values": ["", "NA"]]).readAll(stream: "n")
        XCTAssertEqual(result.rows, [[nil, nil, "NA", ""]])
    }

    func testEmptyTextIsAValueWhenTheEmptyStringIsNotANullValue() throws {
        let path = try files.write("n.csv", "a,b\n,?\n")
        XCTAssertEqual(try CSVTestSource.make(["path": path, "null_values": ["?"]]).readAll(stream: "n").rows, [["", nil]])
    }

    func testOneByteNullValuesMatchOnlyTheirOwnByteAndLongerOnesStillMatch() throws {
        // One-byte fields are settled by a bit test (bytes below 64, and from 64 to 127), longer
        // ones against the list; each null value sits beside a neighbour that is a value.
        let path = try files.write("n.csv", "a,b,c,d,e,f,g,h,i\n?,>,~,},0,??,-,\u{E9},e\n")
        let result = try CSVTestSource.make(["path": path, "null_values": ["?", "~", "-", "??", "\u{E9}"]]).readAll(stream: "n")
        XCTAssertEqual(result.rows, [[nil, ">", nil, "}", "0", nil, nil, nil, "e"]])
    }

    func testNullInAColumnDeclaredNotNullableRejectsTheRow() throws {
        let path = try files.write("n.csv", "id,name\n,ann\n2,bob\n")
        let result = try CSVTestSource.make(["path": path, "columns": [["name": "id", "type": "int64", "nullable": false]]]).readAll(stream: "n")
        XCTAssertEqual(result.rows, [["2", "bob"]])
        XCTAssertEqual(result.rejects.map(\.reason), ["column id: \"\" is a null value, but the column is declared \"nullable\": false"])
    }

    func testAllTypesLoadWithTheirArrowTypes() throws {
        let path = try files.write("all.csv", "1,2.5,true,x,2024-01-05T00:00:00Z,2024-01-05\n")
        let columns = [("i", "int64"), ("d", "double"), ("b", "bool"), ("t", "text"), ("ts", "timestamp"), ("dt", "date")]
        let result = try CSVTestSource.make(["path": path, "header": false, "columns": columns.map { ["name": $0.0, "type": $0.1] }])
            .readAll(stream: "all")
        XCTAssertEqual(result.schema.fields.map(\.type), [.int64, .double, .bool, .utf8, .timestampMicrosecondsUTC, .date32])
        XCTAssertEqual(result.rows, [["1", "2.5", "true", "x", "1704412800000000", "19727"]])
    }
}

/// The csv source reads timestamps as the http and sqlite plugins do (one shared reading).
final class CSVSharedTimestampTests: XCTestCase {
    private let files = CSVFixture()

    func testTheCSVSourceAcceptsExactlyTheSharedISO8601Forms() throws {
        let texts = TimestampForms.accepted.map(\.text) + TimestampForms.refused
        // Quoted: one form has a decimal comma.
        let path = try files.write("values.csv", texts.map { "\"\($0)\"" }.joined(separator: "\n") + "\n")
        let result = try CSVTestSource.make(["path": path, "header": false, "columns": [["name": "v", "type": "timestamp"]]])
            .readAll(stream: "values")
        XCTAssertEqual(result.rows.map { $0[0] }, TimestampForms.accepted.map { String($0.micros) })
        XCTAssertEqual(result.rejects.count, texts.count - TimestampForms.accepted.count)
    }
}
