import ETLArrow

/// Turns a record's fields into typed values and appends them to the batch, all or nothing:
/// `decode` checks every field first (so a bad value rejects the whole row and appends none),
/// then `append` writes the row.
final class RowDecoder {
    private let columns: [CSVColumn]
    private let columnCount: Int
    /// Per column, its type and nullability, in C arrays for the per-field loop.
    private let types: UnsafeMutablePointer<CSVColumnType>
    private let nullable: UnsafeMutablePointer<Bool>
    private let nullValues: NullValueSet
    private let trim: Bool
    /// Text values of a single-byte encoding are transcoded here before they load.
    private let transcoder: TranscodeBuffer?
    /// Per field of the current row: its value bits (int64, double, bool, micros, days).
    private let values: UnsafeMutablePointer<Int64>
    /// Per field of the current row: true when it loads as null.
    private let isNull: UnsafeMutablePointer<Bool>

    /// Why the last `decode` failed.
    private(set) var failure = ""

    /// How numbers are written, and room to rewrite one.
    private let numberFormat: NumberFormat
    private let numberScratch: UnsafeMutablePointer<UInt8>

    init(columns: [CSVColumn], nullValues: NullValueSet, trim: Bool, encoding: SourceEncoding = .utf8,
         numberFormat: NumberFormat = .plain) {
        self.numberFormat = numberFormat
        numberScratch = .allocate(capacity: NumberFormat.maxLength)
        transcoder = encoding.isSingleByte ? TranscodeBuffer(encoding) : nil
        self.columns = columns
        columnCount = columns.count
        types = .allocate(capacity: Swift.max(columnCount, 1))
        nullable = .allocate(capacity: Swift.max(columnCount, 1))
        for (index, column) in columns.enumerated() {
            (types + index).initialize(to: column.type)
            (nullable + index).initialize(to: column.nullable)
        }
        self.nullValues = nullValues
        self.trim = trim
        values = .allocate(capacity: Swift.max(columnCount, 1))
        isNull = .allocate(capacity: Swift.max(columnCount, 1))
    }

    deinit {
        types.deallocate()
        nullable.deallocate()
        values.deallocate()
        isNull.deallocate()
        numberScratch.deallocate()
    }

    /// Checks and converts one row. `checkUTF8` is true when the record has a byte >= 0x80: a
    /// UTF-8 file's records are checked whole before they get here (`InvalidUTF8Error`), so it
    /// only says whether a single-byte encoding's text needs transcoding. `fields` holds exactly one field per column, field `i`
    /// belonging to column `columnOf[i]`; trimming is applied to the spans in place.
    /// Returns false, with `failure` saying which column and why, when any field is bad.
    @inline(__always)
    func decode(_ fields: UnsafeMutablePointer<FieldSpan>, columnOf: UnsafePointer<Int>, checkUTF8: Bool) -> Bool {
        for index in 0..<columnCount {
            var field = fields[index]
            let column = columnOf[index]
            if !field.quoted {
                if trim { Self.trimBlanks(&field); fields[index] = field }
                if nullValues.contains(field.start, field.count) {
                    guard nullable[column] else { return fail(column, field, "is a null value, but the column is declared \"nullable\": false") }
                    isNull[index] = true
                    continue
                }
            }
            isNull[index] = false
            switch types[column] {
            case .text:
                values[index] = checkUTF8 ? 1 : 0
            case .int64:
                guard let value = numberFormat.int64(field.start, field.count, scratch: numberScratch) else { return fail(column, field, "is not an int64") }
                values[index] = value
            case .double:
                guard let value = numberFormat.double(field.start, field.count, scratch: numberScratch) else { return fail(column, field, "is not a double") }
                values[index] = Int64(bitPattern: value.bitPattern)
            case .bool:
                guard let value = BoolLiteral.value(field.start, field.count) else {
                    return fail(column, field, "is not a bool (true/false, t/f, yes/no, y/n or 1/0)")
                }
                values[index] = value ? 1 : 0
            case .timestamp:
                guard let value = timestamp(column, field) else {
                    let expected = columns[column].format.map { "a timestamp in the format \"\($0.pattern)\"" } ?? "an ISO 8601 timestamp"
                    return fail(column, field, "is not \(expected)")
                }
                values[index] = value
            case .date:
                guard let value = date(column, field) else {
                    return fail(column, field, "is not a date in the format \"\(columns[column].format?.pattern ?? "%Y-%m-%d")\"")
                }
                values[index] = value
            }
        }
        return true
    }

    /// Appends the row `decode` accepted.
    @inline(__always)
    func append(_ fields: UnsafeMutablePointer<FieldSpan>, columnOf: UnsafePointer<Int>, to builder: RecordBatchBuilder) throws(ArrowError) {
        for index in 0..<columnCount {
            let column = columnOf[index]
            if isNull[index] {
                try builder.appendNull(column: column)
                continue
            }
            switch types[column] {
            case .text:
                if values[index] != 0, let transcoder {
                    try builder.append(utf8: transcoder.utf8(fields[index].bytes), column: column)
                } else {
                    try builder.append(utf8: fields[index].bytes, column: column)
                }
            case .int64: try builder.append(int64: values[index], column: column)
            case .double: try builder.append(double: Double(bitPattern: UInt64(bitPattern: values[index])), column: column)
            case .bool: try builder.append(bool: values[index] != 0, column: column)
            case .timestamp: try builder.append(timestampMicroseconds: values[index], column: column)
            case .date: try builder.append(date32: Int32(truncatingIfNeeded: values[index]), column: column)
            }
        }
    }

    @inline(__always)
    static func trimBlanks(_ field: inout FieldSpan) {
        var start = field.start
        var count = field.count
        while count > 0 && CSVDialect.isBlank(start.load(as: UInt8.self)) {
            start += 1
            count -= 1
        }
        while count > 0 && CSVDialect.isBlank(start.load(fromByteOffset: count - 1, as: UInt8.self)) { count -= 1 }
        field.start = start
        field.count = count
    }

    private func timestamp(_ column: Int, _ field: FieldSpan) -> Int64? {
        guard let format = columns[column].format else {
            return ArrowTimestampText.parse(UnsafeRawBufferPointer(start: field.start, count: field.count))?.micros
        }
        return format.parse(field.start, field.count)?.microsecondsSinceEpoch()
    }

    private static let defaultDateFormat = try! DateTimeFormat("%Y-%m-%d", forDate: true, path: "date")

    private func date(_ column: Int, _ field: FieldSpan) -> Int64? {
        let format = columns[column].format ?? Self.defaultDateFormat
        guard let days = format.parse(field.start, field.count)?.days(), days >= Int64(Int32.min), days <= Int64(Int32.max) else {
            return nil
        }
        return days
    }

    /// Sets `failure` to "column <name>: "<value>" <problem>" and returns false.
    @inline(never)
    private func fail(_ column: Int, _ field: FieldSpan?, _ problem: String) -> Bool {
        guard let field else {
            failure = "column \(columns[column].name): \(problem)"
            return false
        }
        let shown = Swift.min(field.count, 64)
        var text = (transcoder?.encoding ?? .utf8).string(UnsafeRawBufferPointer(start: field.start, count: shown))
        if shown < field.count { text += "..." }
        failure = "column \(columns[column].name): \"\(text)\" \(problem)"
        return false
    }
}
