#if canImport(Glibc)
import Glibc
#endif
import CETLPlugin
import ETLArrow
import ETLRuntimeCore

/// The host's batch functions used through the table, as a C plugin would,
/// including every refusal and a builder freed with rows still in it.
func runHostScenarios(api: etl_host_api, iteration: Int) throws {
    var schema = ArrowSchema()
    hostTypesSchema.export(to: &schema)
    var error = etl_error()
    error.struct_size = UInt32(MemoryLayout<etl_error>.size)
    var builder: OpaquePointer?
    try expect(api.batch_begin!(&schema, 8, &builder, &error) == ETL_OK, "batch_begin")
    schema.release!(&schema)

    let rows = 1 + iteration % 13
    for row in 0..<rows {
        for (column, field) in hostTypesSchema.fields.enumerated() {
            let c = Int32(column)
            if row % 4 == 3 || field.type == .null {
                try expect(api.append_null!(builder, c) == ETL_OK, "append_null")
                continue
            }
            let status: etl_status
            switch field.type {
            case .bool: status = api.append_bool!(builder, c, row % 2 == 0 ? 1 : 0)
            case .int64: status = api.append_int64!(builder, c, Int64(row) * 7)
            case .double: status = api.append_double!(builder, c, Double(row) + 0.25)
            case .utf8: status = scenarioText(row).withCString { api.append_utf8!(builder, c, $0, Int64(strlen($0))) }
            case .binary: status = [UInt8(row & 0xFF), 0, 0xFF].withUnsafeBytes { api.append_binary!(builder, c, $0.baseAddress, 3) }
            case .timestampMicrosecondsUTC: status = api.append_timestamp_us!(builder, c, Int64(row) << 20)
            case .date32: status = api.append_date32!(builder, c, Int32(row) - 100)
            case .null, .decimal128: status = ETL_OK
            }
            try expect(status == ETL_OK, "append to column \(column)")
        }
    }
    // Refusals: each sets a new last error (the previous text is freed).
    try expect(api.append_int64!(builder, 42, 1) == ETL_INTERNAL, "missing column")
    try expect(api.append_double!(builder, 1, 1) == ETL_INTERNAL, "wrong type")
    let invalid: [CChar] = [0x41, CChar(bitPattern: 0xC0), 0x41]
    try expect(invalid.withUnsafeBufferPointer { api.append_utf8!(builder, 3, $0.baseAddress, 3) } == ETL_BAD_DATA, "invalid UTF-8")
    try expect(String(cString: api.batch_last_error!(builder)!).contains("UTF-8"), "last error text")
    try expect(api.batch_row_count!(builder) == Int64(rows), "row count")

    var array = ArrowArray()
    try expect(api.batch_finish!(builder, &array, &error) == ETL_OK, "batch_finish")
    let batch = try ImportedRecordBatch(taking: &array, schema: hostTypesSchema)
    try verify(batch, first: 0)

    // Unequal columns are refused at finish, then the builder is freed holding them.
    try expect(api.append_int64!(builder, 1, 5) == ETL_OK, "append before refused finish")
    try expect(api.batch_finish!(builder, &array, &error) == ETL_INTERNAL, "unequal finish")
    api.batch_free!(builder)
    api.batch_free!(nil)

    // An unsupported format is refused at batch_begin without leaking.
    var unsupported = ArrowSchema()
    hostTypesSchema.export(to: &unsupported)
    let original = unsupported.children[1]!.pointee.format
    let largeBinary: StaticString = "Z"
    unsupported.children[1]!.pointee.format = UnsafeRawPointer(largeBinary.utf8Start).assumingMemoryBound(to: CChar.self)
    var refused: OpaquePointer?
    try expect(api.batch_begin!(&unsupported, 0, &refused, &error) == ETL_UNSUPPORTED && refused == nil, "unsupported format")
    unsupported.children[1]!.pointee.format = original
    unsupported.release!(&unsupported)

    api.set_error!(&error, ETL_IO_ERROR, String(repeating: "ø", count: 800))
    try expect(error.code == ETL_IO_ERROR, "set_error code")
}
