import CETLPlugin
import ETLArrow
import XCTest

/// A schema with one nullable column of every ABI 1 type, in a fixed order.
let everyTypeSchema = ArrowSchemaDescription(fields: [
    ArrowField(name: "flag", type: .bool),
    ArrowField(name: "count", type: .int64),
    ArrowField(name: "ratio", type: .double),
    ArrowField(name: "name", type: .utf8),
    ArrowField(name: "blob", type: .binary),
    ArrowField(name: "seen_at", type: .timestampMicrosecondsUTC),
    ArrowField(name: "day", type: .date32),
    ArrowField(name: "nothing", type: .null),
])

/// Appends row `row` of a deterministic pattern to a builder over `everyTypeSchema`:
/// every third row holds nulls in all columns, the others distinct values.
func appendPatternRow(_ row: Int, to builder: RecordBatchBuilder) throws {
    if row % 3 == 1 {
        for column in 0..<everyTypeSchema.fields.count { try builder.appendNull(column: column) }
        return
    }
    try builder.append(bool: row % 2 == 0, column: 0)
    try builder.append(int64: Int64(row) * 1_000_003 - 7, column: 1)
    try builder.append(double: Double(row) / 4, column: 2)
    try builder.append(string: patternText(row), column: 3)
    try patternBytes(row).withUnsafeBytes { try builder.append(binary: $0, column: 4) }
    try builder.append(timestampMicroseconds: 1_700_000_000_000_000 + Int64(row), column: 5)
    try builder.append(date32: Int32(19_000 + row), column: 6)
    try builder.appendNull(column: 7)
}

/// Text of row `row`: empty, ASCII and multi-byte values in turn.
func patternText(_ row: Int) -> String {
    switch row % 4 {
    case 0: ""
    case 2: "Zürich-\(row)-日本"
    default: "row \(row)"
    }
}

/// Bytes of row `row`, including NUL and 0xFF (not UTF-8).
func patternBytes(_ row: Int) -> [UInt8] {
    [0, 0xFF, UInt8(row & 0xFF)] + Array(repeating: 0x41, count: row % 5)
}

/// Checks that `column`s of `batch` hold rows `first..<first + batch.rowCount` of the pattern.
func assertPattern(_ batch: ImportedRecordBatch, startingAt first: Int, file: StaticString = #filePath, line: UInt = #line) {
    for row in 0..<batch.rowCount {
        let source = first + row
        let isNullRow = source % 3 == 1
        for column in 0..<everyTypeSchema.fields.count {
            let expectNull = isNullRow || column == 7
            XCTAssertEqual(batch.column(column).isNull(row), expectNull, "row \(row) column \(column)", file: file, line: line)
        }
        guard !isNullRow else { continue }
        XCTAssertEqual(batch.column(0).bool(row), source % 2 == 0, "bool at row \(row)", file: file, line: line)
        XCTAssertEqual(batch.column(1).int64(row), Int64(source) * 1_000_003 - 7, "int64 at row \(row)", file: file, line: line)
        XCTAssertEqual(batch.column(2).double(row), Double(source) / 4, "double at row \(row)", file: file, line: line)
        XCTAssertEqual(batch.column(3).string(row), patternText(source), "utf8 at row \(row)", file: file, line: line)
        XCTAssertEqual(Array(batch.column(4).bytes(row)), patternBytes(source), "binary at row \(row)", file: file, line: line)
        XCTAssertEqual(batch.column(5).timestampMicroseconds(row), 1_700_000_000_000_000 + Int64(source), "timestamp at row \(row)", file: file, line: line)
        XCTAssertEqual(batch.column(6).date32(row), Int32(19_000 + source), "date32 at row \(row)", file: file, line: line)
    }
}

/// Builds `rows` pattern rows and finishes them into a fresh ArrowArray the caller releases.
func buildPatternArray(rows: Int, into out: UnsafeMutablePointer<ArrowArray>) throws {
    let builder = RecordBatchBuilder(schema: everyTypeSchema)
    for row in 0..<rows { try appendPatternRow(row, to: builder) }
    try builder.finish(into: out)
}

/// Counts how often an array's release callback runs, by standing in for it:
/// the spy's callback counts, then hands over to the original once.
final class ReleaseSpy {
    private struct Record {
        var calls = 0
        var originalRelease: (@convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void)?
        var originalData: UnsafeMutableRawPointer?
    }

    private let record = UnsafeMutablePointer<Record>.allocate(capacity: 1)

    /// Replaces `array`'s release with the counting one.
    init(wrapping array: UnsafeMutablePointer<ArrowArray>) {
        record.initialize(to: Record(originalRelease: array.pointee.release, originalData: array.pointee.private_data))
        array.pointee.private_data = UnsafeMutableRawPointer(record)
        array.pointee.release = { array in
            guard let array else { return }
            let record = array.pointee.private_data.unsafelyUnwrapped.assumingMemoryBound(to: Record.self)
            record.pointee.calls += 1
            guard record.pointee.calls == 1 else { return }
            array.pointee.private_data = record.pointee.originalData
            array.pointee.release = record.pointee.originalRelease
            record.pointee.originalRelease?(array)
        }
    }

    /// Times the release callback ran.
    var calls: Int { record.pointee.calls }

    deinit {
        record.deinitialize(count: 1)
        record.deallocate()
    }
}
