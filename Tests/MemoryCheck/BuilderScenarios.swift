import CETLPlugin
import ETLArrow

/// Every column type, in the order the scenarios fill them (one decimal stands for its family),
/// then a JSON text column, whose exported schema carries extension metadata.
let allTypesSchema = ArrowSchemaDescription(fields: (ArrowColumnType.plainTypes + [.decimal128(precision: 20, scale: 2)]).map {
    ArrowField(name: "c_\($0.displayName)", type: $0)
} + [ArrowField(name: "c_json", type: .utf8, extensionName: ArrowField.jsonExtension)])

/// The types the host's C batch builder fills: all but decimal128, which it refuses at batch_begin.
let hostTypesSchema = ArrowSchemaDescription(fields: allTypesSchema.fields.filter { !$0.type.isDecimal })

/// The decimal of row `row`: negative on odd rows, with a fraction.
func scenarioDecimal(_ row: Int) -> ArrowDecimal {
    ArrowDecimal(unscaled: Int128(row) * 1_000_000_007 * (row % 2 == 0 ? 1 : -1), scale: 2)
}

/// Text of row `row`: empty, short, and longer than the 32-byte fast copy, with
/// multi-byte characters in both.
func scenarioText(_ row: Int) -> String {
    switch row % 3 {
    case 0: ""
    case 1: "value-\(row)-ü"
    default: "a longer value for row \(row) that crosses 32 bytes — ✓ 😀"
    }
}

/// Appends row `row` (nulls on every fourth row) to a builder over `allTypesSchema`.
func appendRow(_ row: Int, to builder: RecordBatchBuilder) throws {
    for (column, field) in builder.schema.fields.enumerated() {
        if row % 4 == 3 || field.type == .null {
            try builder.appendNull(column: column)
            continue
        }
        switch field.type {
        case .bool: try builder.append(bool: row % 2 == 0, column: column)
        case .int64: try builder.append(int64: Int64(row) * 7, column: column)
        case .double: try builder.append(double: Double(row) + 0.25, column: column)
        case .utf8: try builder.append(string: scenarioText(row), column: column)
        case .binary: try [UInt8(row & 0xFF), 0, 0xFF].withUnsafeBytes { try builder.append(binary: $0, column: column) }
        case .timestampMicrosecondsUTC: try builder.append(timestampMicroseconds: Int64(row) << 20, column: column)
        case .date32: try builder.append(date32: Int32(row) - 100, column: column)
        case .decimal128: try builder.append(decimal128: scenarioDecimal(row), column: column)
        case .null: break
        }
    }
}

/// Checks every value of `batch`, whose row 0 is pattern row `first`.
func verify(_ batch: ImportedRecordBatch, first: Int) throws {
    for row in 0..<batch.rowCount {
        let source = first + row
        for (column, field) in batch.schema.fields.enumerated() {
            let values = batch.column(column)
            let shouldBeNull = source % 4 == 3 || field.type == .null
            try expect(values.isNull(row) == shouldBeNull, "null flag of row \(source) column \(column)")
            if shouldBeNull { continue }
            switch field.type {
            case .bool: try expect(values.bool(row) == (source % 2 == 0), "bool at \(source)")
            case .int64: try expect(values.int64(row) == Int64(source) * 7, "int64 at \(source)")
            case .double: try expect(values.double(row) == Double(source) + 0.25, "double at \(source)")
            case .utf8: try expect(values.string(row) == scenarioText(source), "utf8 at \(source)")
            case .binary: try expect(Array(values.bytes(row)) == [UInt8(source & 0xFF), 0, 0xFF], "binary at \(source)")
            case .timestampMicrosecondsUTC: try expect(values.timestampMicroseconds(row) == Int64(source) << 20, "timestamp at \(source)")
            case .date32: try expect(values.date32(row) == Int32(source) - 100, "date32 at \(source)")
            case .decimal128: try expect(values.decimal128(row) == scenarioDecimal(source), "decimal128 at \(source)")
            case .null: break
            }
        }
    }
}

/// Build → finish → import → read, reuse after finish, offsets, export again, a
/// column moved out, and a builder dropped with rows still in it.
func runBuilderScenarios(iteration: Int) throws {
    let builder = RecordBatchBuilder(schema: allTypesSchema, capacity: iteration % 3 == 0 ? 0 : 64)
    let rows = 1 + iteration % 97
    for row in 0..<rows { try appendRow(row, to: builder) }
    var array = ArrowArray()
    try builder.finish(into: &array)
    let batch = try ImportedRecordBatch(taking: &array, schema: allTypesSchema)
    try verify(batch, first: 0)

    // The builder is reused for a second batch, then sliced at both levels.
    for row in 0..<(rows + 10) { try appendRow(row, to: builder) }
    var second = ArrowArray()
    try builder.finish(into: &second)
    second.offset = 3
    second.length = Int64(rows + 10 - 5)
    for index in 0..<Int(second.n_children) {
        second.children[index]!.pointee.offset = 1
        second.children[index]!.pointee.length -= 1
    }
    let sliced = try ImportedRecordBatch(taking: &second, schema: allTypesSchema)
    try verify(sliced, first: 4)

    // Exported again, imported again, then released through the C pointer.
    var again = ArrowArray()
    sliced.export(to: &again)
    let reimported = try ImportedRecordBatch(taking: &again, schema: allTypesSchema)
    try verify(reimported, first: 4)

    // A column moved out of a batch outlives the batch.
    for row in 0..<rows { try appendRow(row, to: builder) }
    var third = ArrowArray()
    try builder.finish(into: &third)
    var moved = third.children[3]!.pointee
    third.children[3]!.pointee.release = nil
    third.release!(&third)
    try expect(moved.length == Int64(rows), "moved column length")
    moved.release!(&moved)

    // Rows left in a builder are freed with it.
    for row in 0..<rows { try appendRow(row, to: builder) }
}

/// Refusals must free what they took and leave nothing behind.
func runErrorScenarios() throws {
    let builder = RecordBatchBuilder(schema: allTypesSchema)
    try expectThrows("invalid UTF-8") {
        try [UInt8]([0x61, 0xE2, 0x28]).withUnsafeBytes { try builder.append(utf8: $0, column: 3) }
    }
    try expectThrows("missing column") { try builder.append(int64: 1, column: 99) }
    try expectThrows("wrong type") { try builder.append(double: 1, column: 1) }
    try builder.append(int64: 1, column: 1)
    var array = ArrowArray()
    try expectThrows("unequal lengths") { try builder.finish(into: &array) }
    try expect(array.release == nil, "a refused finish exports nothing")

    // An import refused after the move still releases the array.
    let full = RecordBatchBuilder(schema: allTypesSchema)
    for row in 0..<5 { try appendRow(row, to: full) }
    try full.finish(into: &array)
    let narrow = ArrowSchemaDescription(fields: [ArrowField(name: "x", type: .int64)])
    try expectThrows("schema mismatch") { _ = try ImportedRecordBatch(taking: &array, schema: narrow) }
    try expect(array.release == nil, "a refused import still takes the array")
}

/// Schema export → import, and a child schema moved out before the root is released.
func runSchemaScenarios() throws {
    var raw = ArrowSchema()
    allTypesSchema.export(to: &raw)
    try expect(try ArrowSchemaDescription(importing: &raw) == allTypesSchema, "schema round trip")
    var child = raw.children[2]!.pointee
    raw.children[2]!.pointee.release = nil
    raw.release!(&raw)
    try expect(String(cString: child.name) == allTypesSchema.fields[2].name, "moved child schema name")
    child.release!(&child)

    var unsupported = ArrowSchema()
    allTypesSchema.export(to: &unsupported)
    let original = unsupported.children[0]!.pointee.format
    let largeUTF8: StaticString = "U"
    unsupported.children[0]!.pointee.format = UnsafeRawPointer(largeUTF8.utf8Start).assumingMemoryBound(to: CChar.self)
    try expectThrows("unsupported format") { _ = try ArrowSchemaDescription(importing: &unsupported) }
    unsupported.children[0]!.pointee.format = original
    unsupported.release!(&unsupported)
}
