import CETLPlugin
import ETLArrow
import XCTest

/// What RecordBatchBuilder refuses, and that a refusal changes nothing.
final class RecordBatchBuilderErrorTests: XCTestCase {
    private let schema = ArrowSchemaDescription(fields: [
        ArrowField(name: "id", type: .int64),
        ArrowField(name: "name", type: .utf8),
    ])

    private func appendUTF8(_ bytes: [UInt8], to builder: RecordBatchBuilder) throws {
        try bytes.withUnsafeBytes { buffer in try builder.append(utf8: buffer, column: 1) }
    }

    func testInvalidUTF8IsRefusedAsBadData() {
        let builder = RecordBatchBuilder(schema: schema)
        XCTAssertThrowsError(try appendUTF8([0x61, 0x62, 0xC3, 0x28], to: builder)) { error in
            let arrowError = error as! ArrowError
            XCTAssertEqual(arrowError.kind, .badData)
            XCTAssertEqual(arrowError.etlStatus, ETL_BAD_DATA)
            XCTAssertTrue(arrowError.message.contains("column 1 (\"name\")"), arrowError.message)
            XCTAssertTrue(arrowError.message.contains("first bad byte at offset 2"), arrowError.message)
        }
        XCTAssertEqual(builder.byteSize, 4, "nothing was appended: only the leading offset is held")
    }

    func testEveryKindOfMalformedUTF8IsRefused() {
        let malformed: [(String, [UInt8])] = [
            ("lone continuation byte", [0x80]),
            ("overlong two-byte form", [0xC0, 0xAF]),
            ("overlong three-byte form", [0xE0, 0x80, 0xAF]),
            ("UTF-16 surrogate", [0xED, 0xA0, 0x80]),
            ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("byte F5", [0xF5, 0x80, 0x80, 0x80]),
            ("truncated at the end", [0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xE2, 0x82]),
            ("continuation missing mid-text", [0xE2, 0x41, 0xAC]),
        ]
        let builder = RecordBatchBuilder(schema: schema)
        for (label, bytes) in malformed {
            XCTAssertThrowsError(try appendUTF8(bytes, to: builder), label)
        }
    }

    func testValidMultiByteUTF8IsAccepted() throws {
        let builder = RecordBatchBuilder(schema: schema)
        // 2-, 3- and 4-byte characters and the extremes of each range.
        for text in ["é", "€", "😀", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}", "plain ascii longer than eight bytes"] {
            try appendUTF8(Array(text.utf8), to: builder)
        }
        XCTAssertEqual(builder.byteSize, 4 * 12 + ["é", "€", "😀", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}", "plain ascii longer than eight bytes"].map(\.utf8.count).reduce(0, +))
    }

    func testInvalidUTF8AfterALongASCIIPrefixIsRefused() {
        let builder = RecordBatchBuilder(schema: schema)
        let bytes = Array(String(repeating: "x", count: 45).utf8) + [0xE2, 0x28, 0xA1] + Array("tail".utf8)
        XCTAssertThrowsError(try appendUTF8(bytes, to: builder)) { error in
            XCTAssertTrue("\(error)".contains("first bad byte at offset 45"), "\(error)")
        }
        XCTAssertEqual(builder.byteSize, 4)
    }

    func testLongAndEmptyTextRoundTrip() throws {
        let texts = ["", String(repeating: "long ascii text ", count: 5), "mixed — ✓ 😀 " + String(repeating: "é", count: 30), ""]
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)]))
        for text in texts { try Array(text.utf8).withUnsafeBytes { try builder.append(utf8: $0, column: 0) } }
        var array = ArrowArray()
        try builder.finish(into: &array)
        let batch = try ImportedRecordBatch(taking: &array, schema: builder.schema)
        XCTAssertEqual((0..<4).map { batch.column(0).string($0) }, texts)
    }

    func testMismatchedColumnLengthsAreRefusedAtFinish() throws {
        let builder = RecordBatchBuilder(schema: schema)
        try builder.append(int64: 1, column: 0)
        try builder.append(int64: 2, column: 0)
        try builder.append(string: "one", column: 1)
        var array = ArrowArray()
        XCTAssertThrowsError(try builder.finish(into: &array)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("column 0 (\"id\") has 2, column 1 (\"name\") has 1"), message)
        }
        XCTAssertNil(array.release, "nothing was exported")
        try builder.append(string: "two", column: 1)
        try builder.finish(into: &array)
        XCTAssertEqual(array.length, 2, "the refused finish kept the rows")
        array.release?(&array)
    }

    func testAppendToMissingColumnIsRefused() {
        let builder = RecordBatchBuilder(schema: schema)
        XCTAssertThrowsError(try builder.append(int64: 1, column: 2)) { error in
            XCTAssertEqual((error as! ArrowError).kind, .misuse)
            XCTAssertTrue("\(error)".contains("the schema has 2 columns, 0...1"), "\(error)")
        }
        XCTAssertThrowsError(try builder.appendNull(column: -1))
    }

    func testAppendOfAnotherTypeIsRefusedAndNamesTheRightMethod() {
        let builder = RecordBatchBuilder(schema: schema)
        XCTAssertThrowsError(try builder.append(double: 1.5, column: 0)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("cannot append double to column 0 (\"id\"): the column is int64"), message)
            XCTAssertTrue(message.contains("append(int64:column:)"), message)
        }
        XCTAssertEqual(builder.rowCount, 0)
        XCTAssertEqual(builder.byteSize, 4)
    }

    func testBinaryAcceptsBytesThatAreNotUTF8() throws {
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: [ArrowField(name: "raw", type: .binary)]))
        try [UInt8]([0xC3, 0x28, 0xFF]).withUnsafeBytes { try builder.append(binary: $0, column: 0) }
        XCTAssertEqual(builder.rowCount, 1)
    }
}
