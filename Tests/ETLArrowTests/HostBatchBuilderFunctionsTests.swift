import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import XCTest

/// The host's batch-building functions, called through an `etl_host_api` table
/// exactly as a C plugin calls them.
final class HostBatchBuilderFunctionsTests: XCTestCase {
    private var api = etl_host_api()

    override func setUp() {
        api = etl_host_api()
        api.struct_size = UInt32(MemoryLayout<etl_host_api>.size)
        HostBatchBuilderFunctions.install(into: &api)
    }

    private func newError() -> etl_error {
        var error = etl_error()
        error.struct_size = UInt32(MemoryLayout<etl_error>.size)
        return error
    }

    private func message(_ error: inout etl_error) -> String {
        withUnsafeBytes(of: &error.message) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }

    /// Begins a builder for `schema` and returns it, failing the test otherwise.
    private func begin(_ schema: ArrowSchemaDescription, file: StaticString = #filePath, line: UInt = #line) -> OpaquePointer? {
        var raw = ArrowSchema()
        schema.export(to: &raw)
        defer { raw.release?(&raw) }
        var builder: OpaquePointer?
        var error = newError()
        XCTAssertEqual(api.batch_begin!(&raw, 16, &builder, &error), ETL_OK, message(&error), file: file, line: line)
        return builder
    }

    private func lastError(_ builder: OpaquePointer?) -> String {
        String(cString: api.batch_last_error!(builder)!)
    }

    func testInstallFillsEveryBatchFunctionAndLeavesTheRestAlone() {
        XCTAssertNotNil(api.batch_begin)
        XCTAssertNotNil(api.append_null)
        XCTAssertNotNil(api.append_bool)
        XCTAssertNotNil(api.append_int64)
        XCTAssertNotNil(api.append_double)
        XCTAssertNotNil(api.append_utf8)
        XCTAssertNotNil(api.append_binary)
        XCTAssertNotNil(api.append_timestamp_us)
        XCTAssertNotNil(api.append_date32)
        XCTAssertNotNil(api.batch_row_count)
        XCTAssertNotNil(api.batch_byte_size)
        XCTAssertNotNil(api.batch_finish)
        XCTAssertNotNil(api.batch_last_error)
        XCTAssertNotNil(api.batch_free)
        XCTAssertNotNil(api.set_error)
        XCTAssertNil(api.log)
        XCTAssertNil(api.is_cancelled)
        XCTAssertNil(api.report_reject)
    }

    func testCPluginBuildsEveryTypeWithNulls() throws {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        for row in 0..<6 {
            if row == 3 {
                for column in 0..<8 { XCTAssertEqual(api.append_null!(builder, Int32(column)), ETL_OK) }
                continue
            }
            XCTAssertEqual(api.append_bool!(builder, 0, Int32(row % 2)), ETL_OK)
            XCTAssertEqual(api.append_int64!(builder, 1, Int64(row) - 3), ETL_OK)
            XCTAssertEqual(api.append_double!(builder, 2, Double(row) * 0.5), ETL_OK)
            let text = "r\(row)é"
            XCTAssertEqual(text.withCString { api.append_utf8!(builder, 3, $0, Int64(strlen($0))) }, ETL_OK)
            let bytes: [UInt8] = [UInt8(row), 0, 0xFE]
            XCTAssertEqual(bytes.withUnsafeBytes { api.append_binary!(builder, 4, $0.baseAddress, 3) }, ETL_OK)
            XCTAssertEqual(api.append_timestamp_us!(builder, 5, -1_000_000 * Int64(row)), ETL_OK)
            XCTAssertEqual(api.append_date32!(builder, 6, Int32(row) - 1), ETL_OK)
            XCTAssertEqual(api.append_null!(builder, 7), ETL_OK)
        }
        XCTAssertEqual(api.batch_row_count!(builder), 6)
        XCTAssertGreaterThan(api.batch_byte_size!(builder), 0)
        var array = ArrowArray()
        var error = newError()
        XCTAssertEqual(api.batch_finish!(builder, &array, &error), ETL_OK)
        XCTAssertEqual(api.batch_row_count!(builder), 0, "finish empties the builder")

        let batch = try ImportedRecordBatch(taking: &array, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 6)
        for row in 0..<6 {
            for column in 0..<8 { XCTAssertEqual(batch.column(column).isNull(row), row == 3 || column == 7) }
            guard row != 3 else { continue }
            XCTAssertEqual(batch.column(0).bool(row), row % 2 == 1)
            XCTAssertEqual(batch.column(1).int64(row), Int64(row) - 3)
            XCTAssertEqual(batch.column(2).double(row), Double(row) * 0.5)
            XCTAssertEqual(batch.column(3).string(row), "r\(row)é")
            XCTAssertEqual(Array(batch.column(4).bytes(row)), [UInt8(row), 0, 0xFE])
            XCTAssertEqual(batch.column(5).timestampMicroseconds(row), -1_000_000 * Int64(row))
            XCTAssertEqual(batch.column(6).date32(row), Int32(row) - 1)
        }
    }

    func testLastErrorIsEmptyBeforeAnyFailure() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        XCTAssertEqual(lastError(builder), "")
    }

    func testAppendToMissingColumnIsInternalAndExplained() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        XCTAssertEqual(api.append_int64!(builder, 8, 1), ETL_INTERNAL)
        XCTAssertEqual(lastError(builder), "cannot append int64 to column 8: the schema has 8 columns, 0...7")
        XCTAssertEqual(api.batch_row_count!(builder), 0)
    }

    func testAppendOfAnotherTypeIsInternalAndNotAppended() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        XCTAssertEqual(api.append_double!(builder, 1, 2.5), ETL_INTERNAL)
        XCTAssertTrue(lastError(builder).contains("cannot append double to column 1 (\"count\"): the column is int64"), lastError(builder))
        XCTAssertEqual(api.batch_byte_size!(builder), 8, "only the leading offsets of the two text columns")
    }

    func testInvalidUTF8IsBadData() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        let bytes: [CChar] = [0x41, CChar(bitPattern: 0xFF), 0x42]
        XCTAssertEqual(bytes.withUnsafeBufferPointer { api.append_utf8!(builder, 3, $0.baseAddress, 3) }, ETL_BAD_DATA)
        XCTAssertTrue(lastError(builder).contains("not valid UTF-8 (first bad byte at offset 1)"), lastError(builder))
    }

    func testNullDataWithLengthIsInternal() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        XCTAssertEqual(api.append_binary!(builder, 4, nil, 3), ETL_INTERNAL)
        XCTAssertEqual(lastError(builder), "append_binary on column 4: data is NULL but length is 3")
        XCTAssertEqual(api.append_binary!(builder, 4, nil, 0), ETL_OK, "NULL with length 0 is an empty value")
    }

    func testFinishWithUnequalColumnsIsInternal() {
        let builder = begin(everyTypeSchema)
        defer { api.batch_free!(builder) }
        XCTAssertEqual(api.append_int64!(builder, 1, 1), ETL_OK)
        var array = ArrowArray()
        var error = newError()
        XCTAssertEqual(api.batch_finish!(builder, &array, &error), ETL_INTERNAL)
        XCTAssertEqual(error.code, ETL_INTERNAL)
        XCTAssertTrue(message(&error).hasPrefix("batch_finish: cannot finish the batch: columns have different lengths"), message(&error))
        XCTAssertNil(array.release)
    }

    func testBeginRefusesAnUnknownFormatAsUnsupported() {
        var raw = ArrowSchema()
        ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "big", type: .utf8)]).export(to: &raw)
        defer { raw.release?(&raw) }
        let original = raw.children[1]!.pointee.format
        let largeUTF8: StaticString = "U"
        raw.children[1]!.pointee.format = UnsafeRawPointer(largeUTF8.utf8Start).assumingMemoryBound(to: CChar.self)
        defer { raw.children[1]!.pointee.format = original }
        var builder: OpaquePointer? = OpaquePointer(bitPattern: 0x1)
        var error = newError()
        XCTAssertEqual(api.batch_begin!(&raw, 0, &builder, &error), ETL_UNSUPPORTED)
        XCTAssertNil(builder, "no builder on failure")
        XCTAssertEqual(error.code, ETL_UNSUPPORTED)
        XCTAssertTrue(message(&error).contains("column 1 (\"big\") has Arrow format \"U\""), message(&error))
    }

    func testBeginRefusesADecimalColumnItHasNoAppendFor() {
        var raw = ArrowSchema()
        ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: .decimal128(precision: 12, scale: 2))]).export(to: &raw)
        defer { raw.release?(&raw) }
        var builder: OpaquePointer?
        var error = newError()
        XCTAssertEqual(api.batch_begin!(&raw, 0, &builder, &error), ETL_UNSUPPORTED)
        XCTAssertNil(builder)
        XCTAssertEqual(message(&error), #"batch_begin: column "amount" is decimal(12,2) ("d:12,2"), which the host's batch builder cannot fill: ABI 1.2 has no append function for decimal128. Declare the column utf8 and let the entry cast it ({"cast": {"amount": "decimal(12,2)"}}), or export the Arrow array yourself"#)
    }

    func testBeginWithNullSchemaIsInternal() {
        var builder: OpaquePointer?
        var error = newError()
        XCTAssertEqual(api.batch_begin!(nil, 0, &builder, &error), ETL_INTERNAL)
        XCTAssertTrue(message(&error).contains("schema is NULL"))
    }

    func testFunctionsTolerateANullBuilder() {
        XCTAssertEqual(api.append_int64!(nil, 0, 1), ETL_INTERNAL)
        XCTAssertEqual(api.batch_row_count!(nil), 0)
        XCTAssertEqual(String(cString: api.batch_last_error!(nil)!), "")
        api.batch_free!(nil)
    }

    func testSetErrorCopiesCodeAndMessage() {
        var error = newError()
        api.set_error!(&error, ETL_IO_ERROR, "cannot open data.csv: no such file")
        XCTAssertEqual(error.code, ETL_IO_ERROR)
        XCTAssertEqual(message(&error), "cannot open data.csv: no such file")
        api.set_error!(nil, ETL_IO_ERROR, "ignored")
    }

    func testSetErrorTruncatesLongMessagesOnACharacterBoundary() {
        var error = newError()
        // 1022 ASCII bytes then "é" (2 bytes): the whole "é" does not fit in 1023.
        let long = String(repeating: "a", count: 1022) + "é" + "tail"
        api.set_error!(&error, ETL_BAD_DATA, long)
        XCTAssertEqual(message(&error), String(repeating: "a", count: 1022))
    }
}
