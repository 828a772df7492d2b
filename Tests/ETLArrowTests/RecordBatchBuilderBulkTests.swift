import CETLPlugin
import ETLArrow
import XCTest

/// Appending a run of rows to one column in a call gives the same batch as appending them one
/// by one, and a refused run leaves the column as it was.
final class RecordBatchBuilderBulkTests: XCTestCase {
    /// Appends pattern rows `first..<first + count` column by column with the bulk calls
    /// (binary and null columns, which have none, one value at a time).
    private func appendPatternRun(_ first: Int, count: Int, to builder: RecordBatchBuilder) throws {
        let rows = first..<(first + count)
        let isNull = rows.map { $0 % 3 == 1 }
        // Null slots hold garbage on purpose: the builder must not use them.
        let bools = rows.map { $0 % 3 == 1 ? true : $0 % 2 == 0 }
        let ints = rows.map { $0 % 3 == 1 ? Int64(-1) : Int64($0) * 1_000_003 - 7 }
        let doubles = rows.map { $0 % 3 == 1 ? Double.nan : Double($0) / 4 }
        let times = rows.map { 1_700_000_000_000_000 + Int64($0) }
        let days = rows.map { Int32(19_000 + $0) }
        let texts = rows.map { $0 % 3 == 1 ? [UInt8](repeating: 0xFF, count: 3) : Array(patternText($0).utf8) }
        try bools.withUnsafeBufferPointer { try builder.append(bools: $0.baseAddress!, isNull: isNull, count: count, column: 0) }
        try ints.withUnsafeBufferPointer { try builder.append(int64s: $0.baseAddress!, isNull: isNull, count: count, column: 1) }
        try doubles.withUnsafeBufferPointer { try builder.append(doubles: $0.baseAddress!, isNull: isNull, count: count, column: 2) }
        try withBuffers(texts) { try builder.append(utf8s: $0, isNull: isNull, count: count, column: 3) }
        for row in rows {
            if row % 3 == 1 { try builder.appendNull(column: 4) } else { try patternBytes(row).withUnsafeBytes { try builder.append(binary: $0, column: 4) } }
            try builder.appendNull(column: 7)
        }
        try times.withUnsafeBufferPointer { try builder.append(timestampsMicroseconds: $0.baseAddress!, isNull: isNull, count: count, column: 5) }
        try days.withUnsafeBufferPointer { try builder.append(date32s: $0.baseAddress!, isNull: isNull, count: count, column: 6) }
    }

    /// Calls `body` with one raw buffer per value, valid for the call.
    private func withBuffers<R>(_ values: [[UInt8]], _ body: (UnsafePointer<UnsafeRawBufferPointer>) throws -> R) rethrows -> R {
        let storage = values.map { bytes -> UnsafeMutableRawBufferPointer in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            copy.copyBytes(from: bytes)
            return copy
        }
        defer { storage.forEach { $0.deallocate() } }
        let buffers = zip(storage, values).map { UnsafeRawBufferPointer(start: $0.0.baseAddress, count: $0.1.count) }
        return try buffers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    private func finish(_ builder: RecordBatchBuilder, schema: ArrowSchemaDescription) throws -> ImportedRecordBatch {
        var array = ArrowArray()
        try builder.finish(into: &array)
        return try ImportedRecordBatch(taking: &array, schema: schema)
    }

    func testBulkRunsOfEveryTypeMatchThePerValuePattern() throws {
        let builder = RecordBatchBuilder(schema: everyTypeSchema)
        // Runs of uneven lengths, so bitmaps cross byte boundaries mid-run.
        var row = 0
        for count in [1, 7, 9, 64, 3, 116] {
            try appendPatternRun(row, count: count, to: builder)
            row += count
        }
        let batch = try finish(builder, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 200)
        assertPattern(batch, startingAt: 0)
    }

    func testBulkAndPerValueAppendsMixInOneBatch() throws {
        let builder = RecordBatchBuilder(schema: everyTypeSchema)
        for row in 0..<5 { try appendPatternRow(row, to: builder) }
        try appendPatternRun(5, count: 20, to: builder)
        for row in 25..<30 { try appendPatternRow(row, to: builder) }
        try appendPatternRun(30, count: 11, to: builder)
        let batch = try finish(builder, schema: everyTypeSchema)
        XCTAssertEqual(batch.rowCount, 41)
        assertPattern(batch, startingAt: 0)
    }

    func testANullFirstAppearingInABulkRunMarksEarlierRowsValid() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .int64)])
        let builder = RecordBatchBuilder(schema: schema)
        for value in 0..<10 { try builder.append(int64: Int64(value), column: 0) }
        let values: [Int64] = [10, 11, 12]
        try builder.append(int64s: values, isNull: [false, true, false], count: 3, column: 0)
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual((0..<13).map { batch.column(0).isNull($0) }, (0..<13).map { $0 == 11 })
        XCTAssertEqual(batch.column(0).int64(12), 12)
        XCTAssertEqual(batch.column(0).int64(9), 9)
    }

    func testRunsWithAndWithoutNullsKeepEveryValidityBitAcrossByteBoundaries() throws {
        // Once a column has a bitmap, each run adds its bits: some up to a byte boundary, whole
        // bytes, then the rest. Runs start at every offset within a byte, with nulls and without.
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .int64)])
        let builder = RecordBatchBuilder(schema: schema)
        var expected: [Bool] = []
        let runs: [(count: Int, nullEvery: Int?)] = [(3, 2), (13, nil), (8, nil), (1, nil), (20, 3), (5, nil), (16, 5), (7, 1), (24, nil), (9, 4)]
        for run in runs {
            let first = expected.count
            let isNull = (0..<run.count).map { index in run.nullEvery.map { (first + index) % $0 == 0 } ?? false }
            let values = (0..<run.count).map { Int64(first + $0) }
            if run.nullEvery == nil {
                try builder.append(int64s: values, count: run.count, column: 0)
            } else {
                try builder.append(int64s: values, isNull: isNull, count: run.count, column: 0)
            }
            expected += isNull
        }
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.rowCount, expected.count)
        XCTAssertEqual((0..<expected.count).map { batch.column(0).isNull($0) }, expected)
        for row in 0..<expected.count where !expected[row] { XCTAssertEqual(batch.column(0).int64(row), Int64(row)) }
    }

    func testTextOfEveryLengthClassIsCopiedWhole() throws {
        // Empty, 1-3, 4-7, 8-64 and over 64 bytes take different copy paths; multi-byte text too.
        let lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 1_000]
        var texts = lengths.map { length in (0..<length).map { UInt8(0x61 + $0 % 26) } }
        texts.append(Array(String(repeating: "Zürich 日本 😀 ", count: 9).utf8))
        texts.append(Array("é".utf8))
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try withBuffers(texts) { try builder.append(utf8s: $0, count: texts.count, column: 0) }
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.rowCount, texts.count)
        for (row, text) in texts.enumerated() {
            XCTAssertEqual(Array(batch.column(0).bytes(row)), text, "row \(row), \(text.count) bytes")
        }
    }

    func testARunOfOnlyEmptyAndNullTextIsValid() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try withBuffers([[], [], []]) { try builder.append(utf8s: $0, isNull: [false, true, false], count: 3, column: 0) }
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.column(0).string(0), "")
        XCTAssertTrue(batch.column(0).isNull(1))
        XCTAssertEqual(batch.column(0).string(2), "")
    }

    func testInvalidUTF8InARunNamesItsRowAndAppendsNoneOfTheRun() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try builder.append(string: "before", column: 0)
        let sizeBefore = builder.byteSize
        let run: [[UInt8]] = [Array("fine".utf8), Array("also fine, and longer than eight".utf8), [0x61, 0x62, 0xC3, 0x28], Array("after".utf8)]
        XCTAssertThrowsError(try withBuffers(run) { try builder.append(utf8s: $0, count: run.count, column: 0) }) { error in
            let arrowError = error as! ArrowError
            XCTAssertEqual(arrowError.kind, .badData)
            XCTAssertTrue(arrowError.message.contains("row 2 of the run"), arrowError.message)
            XCTAssertTrue(arrowError.message.contains("first bad byte at offset 2"), arrowError.message)
        }
        XCTAssertEqual(builder.byteSize, sizeBefore, "the refused run left nothing behind")
        try builder.append(string: "next", column: 0)
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.rowCount, 2)
        XCTAssertEqual(batch.column(0).string(0), "before")
        XCTAssertEqual(batch.column(0).string(1), "next")
    }

    /// The bytes are checked after the run is copied: the value named is the first bad one,
    /// counted past valid multi-byte text and nulls (whose bytes are not read), and the offset
    /// is within that value.
    func testInvalidUTF8AfterValidMultiByteTextAndNullsNamesItsOwnRowAndOffset() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        let run: [[UInt8]] = [Array("Zürich, Genève".utf8), [0xFF], Array("日本語のテキスト".utf8), Array("ok".utf8),
                              [0x41, 0x42, 0x43, 0x44, 0x45, 0xE2, 0x82], Array("é".utf8)]
        let isNull = [false, true, false, false, false, false]
        let sizeBefore = builder.byteSize
        XCTAssertThrowsError(try withBuffers(run) { try builder.append(utf8s: $0, isNull: isNull, count: run.count, column: 0) }) { error in
            let message = (error as! ArrowError).message
            XCTAssertTrue(message.contains("row 4 of the run"), message)
            XCTAssertTrue(message.contains("first bad byte at offset 5"), message)
        }
        XCTAssertEqual(builder.byteSize, sizeBefore, "the refused run left nothing behind")
        try withBuffers(Array(run.prefix(4))) { try builder.append(utf8s: $0, isNull: Array(isNull.prefix(4)), count: 4, column: 0) }
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.column(0).string(0), "Zürich, Genève")
        XCTAssertTrue(batch.column(0).isNull(1))
        XCTAssertEqual(batch.column(0).string(2), "日本語のテキスト")
        XCTAssertEqual(batch.column(0).string(3), "ok")
    }

    func testBadBytesInANullSlotAreNotRead() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        try withBuffers([Array("a".utf8), [0xFF, 0xFE]]) { try builder.append(utf8s: $0, isNull: [false, true], count: 2, column: 0) }
        let batch = try finish(builder, schema: schema)
        XCTAssertEqual(batch.column(0).string(0), "a")
        XCTAssertTrue(batch.column(0).isNull(1))
    }

    func testABulkAppendOfTheWrongTypeIsAMisuseNamingTheColumn() {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "t", type: .utf8)])
        let builder = RecordBatchBuilder(schema: schema)
        let doubles = [1.5]
        XCTAssertThrowsError(try builder.append(doubles: doubles, count: 1, column: 0)) { error in
            XCTAssertEqual((error as! ArrowError).kind, .misuse)
            XCTAssertTrue((error as! ArrowError).message.contains("\"id\""), (error as! ArrowError).message)
        }
        XCTAssertThrowsError(try builder.append(int64s: [1], count: 1, column: 2)) { error in
            XCTAssertEqual((error as! ArrowError).kind, .misuse)
        }
        XCTAssertEqual(builder.byteSize, 4, "nothing was appended")
    }
}
