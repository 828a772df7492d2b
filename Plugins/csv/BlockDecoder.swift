import ETLArrow

/// Turns a block of records into typed values column by column, and appends the rows it
/// accepted to the batch column by column.
///
/// A row is all or nothing: `decode` notes, per record, the first field (from the left) that
/// cannot load — a value its column's type refuses, or a null value in a column declared
/// `"nullable": false` — and `append` leaves such records out of every column. Working a
/// column at a time keeps one type's loop hot and lets the builder take each column's values
/// in one call (`RecordBatchBuilder.append(int64s:...)`), where a row at a time paid a type
/// switch, a column check and a capacity check per field.
final class BlockDecoder {
    private let columns: [CSVColumn]
    private let columnCount: Int
    private let types: UnsafeMutablePointer<CSVColumnType>
    private let nullable: UnsafeMutablePointer<Bool>
    private let nullValues: NullValueSet
    private let trim: Bool
    private let encoding: SourceEncoding
    /// How numbers are written, and room to rewrite one.
    private let numberFormat: NumberFormat
    private let numberScratch: UnsafeMutablePointer<UInt8>
    /// Records per block.
    let capacity: Int

    // Per column, `capacity` slots each (column `c` starts at `c * capacity`).
    /// int64, double (bit pattern), timestamp values; date values as Int32; bools as Bool.
    private let numbers: UnsafeMutableRawPointer
    private let texts: UnsafeMutablePointer<UnsafeRawBufferPointer>
    private let nulls: UnsafeMutablePointer<Bool>
    private let nullCounts: UnsafeMutablePointer<Int>

    // Per record of the block.
    /// The first field that cannot load, or `Int.max`.
    private let failedField: UnsafeMutablePointer<Int>
    /// Whether that field failed for being a null value in a column that allows none.
    private let failedAsNull: UnsafeMutablePointer<Bool>
    /// The records `append` keeps, in order, once some were refused.
    private let kept: UnsafeMutablePointer<Int>
    /// Records of the block `decode` refused.
    private(set) var refusedCount = 0

    /// Text of a single-byte encoding, transcoded to UTF-8 for the column being appended.
    private var transcoded: UnsafeMutableRawPointer
    private var transcodedCapacity: Int

    init(columns: [CSVColumn], nullValues: NullValueSet, trim: Bool, encoding: SourceEncoding = .utf8,
         numberFormat: NumberFormat = .plain, capacity: Int) {
        self.columns = columns
        columnCount = columns.count
        self.nullValues = nullValues
        self.trim = trim
        self.encoding = encoding
        self.numberFormat = numberFormat
        self.capacity = capacity
        numberScratch = .allocate(capacity: NumberFormat.maxLength)
        let slots = Swift.max(columnCount, 1) * capacity
        types = .allocate(capacity: Swift.max(columnCount, 1))
        nullable = .allocate(capacity: Swift.max(columnCount, 1))
        for (index, column) in columns.enumerated() {
            (types + index).initialize(to: column.type)
            (nullable + index).initialize(to: column.nullable)
        }
        numbers = .allocate(byteCount: slots * 8, alignment: 8)
        numbers.initializeMemory(as: UInt8.self, repeating: 0, count: slots * 8)
        texts = .allocate(capacity: slots)
        texts.initialize(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: slots)
        nulls = .allocate(capacity: slots)
        nulls.initialize(repeating: false, count: slots)
        nullCounts = .allocate(capacity: Swift.max(columnCount, 1))
        nullCounts.initialize(repeating: 0, count: Swift.max(columnCount, 1))
        failedField = .allocate(capacity: capacity)
        failedAsNull = .allocate(capacity: capacity)
        kept = .allocate(capacity: capacity)
        transcodedCapacity = encoding.isSingleByte ? 4096 : 0
        transcoded = .allocate(byteCount: Swift.max(transcodedCapacity, 1), alignment: 8)
    }

    deinit {
        numberScratch.deallocate()
        types.deallocate()
        nullable.deallocate()
        numbers.deallocate()
        texts.deallocate()
        nulls.deallocate()
        nullCounts.deallocate()
        failedField.deallocate()
        failedAsNull.deallocate()
        kept.deallocate()
        transcoded.deallocate()
    }

    // MARK: Decoding

    /// Checks and converts every field of the block. Field `f` of each record belongs to
    /// column `columnOf[f]`; trimming is applied to the spans in place.
    func decode(_ block: borrowing RecordBlock, columnOf: UnsafePointer<Int>) {
        let rows = block.count
        failedField.update(repeating: Int.max, count: rows)
        refusedCount = 0
        for field in 0..<block.fieldCount {
            let column = columnOf[field]
            let slot = column &* capacity
            switch types[column] {
            case .text:
                let out = texts + slot
                eachValue(block, field: field, column: column) { value, row in
                    out[row] = value.bytes
                    return true
                }
            case .int64:
                let out = (numbers + slot &* 8).assumingMemoryBound(to: Int64.self)
                // Plain numbers (the default) parse in the loop itself: through NumberFormat, a
                // call per value, they took 58 instructions per census integer (callgrind).
                if numberFormat.isPlain {
                    eachNumber(block, field: field, column: column, into: out) { NumberParser.int64($0, $1) }
                } else {
                    eachNumber(block, field: field, column: column, into: out) { numberFormat.int64($0, $1, scratch: numberScratch) }
                }
            case .double:
                let out = (numbers + slot &* 8).assumingMemoryBound(to: Double.self)
                if numberFormat.isPlain {
                    eachNumber(block, field: field, column: column, into: out) { NumberParser.double($0, $1) }
                } else {
                    eachNumber(block, field: field, column: column, into: out) { numberFormat.double($0, $1, scratch: numberScratch) }
                }
            case .bool:
                let out = (numbers + slot &* 8).assumingMemoryBound(to: Bool.self)
                eachValue(block, field: field, column: column) { value, row in
                    guard let flag = BoolLiteral.value(value.start, value.count) else { return false }
                    out[row] = flag
                    return true
                }
            case .timestamp:
                let out = (numbers + slot &* 8).assumingMemoryBound(to: Int64.self)
                eachValue(block, field: field, column: column) { value, row in
                    guard let micros = timestamp(column, value) else { return false }
                    out[row] = micros
                    return true
                }
            case .date:
                let out = (numbers + slot &* 8).assumingMemoryBound(to: Int32.self)
                eachValue(block, field: field, column: column) { value, row in
                    guard let days = date(column, value) else { return false }
                    out[row] = days
                    return true
                }
            }
        }
    }

    /// Parses each non-null value of one field with `parse` into `out`; nil refuses the record.
    @inline(__always)
    private func eachNumber<Number>(_ block: borrowing RecordBlock, field: Int, column: Int, into out: UnsafeMutablePointer<Number>,
                                    _ parse: (UnsafeRawPointer, Int) -> Number?) {
        eachValue(block, field: field, column: column) { value, row in
            guard let number = parse(value.start, value.count) else { return false }
            out[row] = number
            return true
        }
    }

    /// Runs `convert` on each non-null value of one field, noting nulls and refusals.
    @inline(__always)
    private func eachValue(_ block: borrowing RecordBlock, field: Int, column: Int, _ convert: (FieldSpan, Int) -> Bool) {
        let isNull = nulls + column &* capacity
        let allowsNull = nullable[column]
        var nullCount = 0
        // The field's pointer, stepped one record's fields at a time: working out
        // `record × fieldCount + field` from the block for every field cost 11.9 M of a 100,000-row
        // load's 468 M instructions (callgrind).
        let stride = block.fieldCount
        var span = block.span(0, field)
        for row in 0..<block.count {
            defer { span += stride }
            if !span.pointee.quoted {
                if trim { span.pointee.trimBlanks() }
                if nullValues.contains(span.pointee.start, span.pointee.count) {
                    if !allowsNull { refuse(row, field, asNull: true) }
                    isNull[row] = true
                    nullCount &+= 1
                    continue
                }
            }
            isNull[row] = false
            if !convert(span.pointee, row) { refuse(row, field, asNull: false) }
        }
        nullCounts[column] = nullCount
    }

    @inline(__always)
    private func refuse(_ row: Int, _ field: Int, asNull: Bool) {
        guard failedField[row] == Int.max else { return }
        failedField[row] = field
        failedAsNull[row] = asNull
        refusedCount &+= 1
    }

    /// Why record `row` of the decoded block cannot load ("column <name>: "<value>" <problem>"),
    /// or nil when it loads.
    func failure(of row: Int, in block: borrowing RecordBlock, columnOf: UnsafePointer<Int>) -> String? {
        let field = failedField[row]
        guard field != Int.max else { return nil }
        let column = columnOf[field]
        let value = block.span(row, field).pointee
        let problem: String
        if failedAsNull[row] {
            problem = "is a null value, but the column is declared \"nullable\": false"
        } else {
            switch types[column] {
            case .text: problem = "is not text"
            case .int64: problem = "is not an int64"
            case .double: problem = "is not a double"
            case .bool: problem = "is not a bool (true/false, t/f, yes/no, y/n or 1/0)"
            case .timestamp:
                problem = "is not " + (columns[column].format.map { "a timestamp in the format \"\($0.pattern)\"" } ?? "an ISO 8601 timestamp")
            case .date: problem = "is not a date in the format \"\(columns[column].format?.pattern ?? "%Y-%m-%d")\""
            }
        }
        let shown = Swift.min(value.count, 64)
        var text = encoding.string(UnsafeRawBufferPointer(start: value.start, count: shown))
        if shown < value.count { text += "..." }
        return "column \(columns[column].name): \"\(text)\" \(problem)"
    }

    private func timestamp(_ column: Int, _ field: FieldSpan) -> Int64? {
        guard let format = columns[column].format else {
            return ArrowTimestampText.parse(UnsafeRawBufferPointer(start: field.start, count: field.count))?.micros
        }
        return format.parse(field.start, field.count)?.microsecondsSinceEpoch()
    }

    private static let defaultDateFormat = try! DateTimeFormat("%Y-%m-%d", forDate: true, path: "date")

    private func date(_ column: Int, _ field: FieldSpan) -> Int32? {
        let format = columns[column].format ?? Self.defaultDateFormat
        guard let days = format.parse(field.start, field.count)?.days(), days >= Int64(Int32.min), days <= Int64(Int32.max) else {
            return nil
        }
        return Int32(days)
    }

    // MARK: Appending

    /// Appends the records `decode` accepted, in order, to every column. Returns how many.
    func append(_ block: borrowing RecordBlock, to builder: RecordBatchBuilder) throws(ArrowError) -> Int {
        var rows = block.count
        if refusedCount > 0 { rows = keepAccepted(rows) }
        guard rows > 0 else { return 0 }
        for column in 0..<columnCount {
            let slot = column &* capacity
            let isNull: UnsafePointer<Bool>? = nullCounts[column] > 0 ? UnsafePointer(nulls + slot) : nil
            let values = numbers + slot &* 8
            switch types[column] {
            case .text:
                if encoding.isSingleByte && block.anyHighBytes { transcode(column, rows: rows, block) }
                try builder.append(utf8s: texts + slot, isNull: isNull, count: rows, column: column)
            case .int64:
                try builder.append(int64s: values.assumingMemoryBound(to: Int64.self), isNull: isNull, count: rows, column: column)
            case .double:
                try builder.append(doubles: values.assumingMemoryBound(to: Double.self), isNull: isNull, count: rows, column: column)
            case .bool:
                try builder.append(bools: values.assumingMemoryBound(to: Bool.self), isNull: isNull, count: rows, column: column)
            case .timestamp:
                try builder.append(timestampsMicroseconds: values.assumingMemoryBound(to: Int64.self), isNull: isNull, count: rows, column: column)
            case .date:
                try builder.append(date32s: values.assumingMemoryBound(to: Int32.self), isNull: isNull, count: rows, column: column)
            }
        }
        return rows
    }

    /// The block record behind appended row `row` (they differ once records were refused).
    @inline(__always)
    func record(ofAppended row: Int) -> Int { refusedCount > 0 ? kept[row] : row }

    /// Moves the accepted records' values to the front of every column; returns how many.
    private func keepAccepted(_ rows: Int) -> Int {
        var count = 0
        for row in 0..<rows where failedField[row] == Int.max {
            kept[count] = row
            count &+= 1
        }
        for column in 0..<columnCount {
            let slot = column &* capacity
            let isNull = nulls + slot
            var nullCount = 0
            for index in 0..<count {
                let from = kept[index]
                isNull[index] = isNull[from]
                if isNull[from] { nullCount &+= 1 }
                switch types[column] {
                case .text: texts[slot &+ index] = texts[slot &+ from]
                case .int64, .double, .timestamp:
                    (numbers + slot &* 8).assumingMemoryBound(to: Int64.self)[index] = (numbers + slot &* 8).assumingMemoryBound(to: Int64.self)[from]
                case .bool:
                    (numbers + slot &* 8).assumingMemoryBound(to: Bool.self)[index] = (numbers + slot &* 8).assumingMemoryBound(to: Bool.self)[from]
                case .date:
                    (numbers + slot &* 8).assumingMemoryBound(to: Int32.self)[index] = (numbers + slot &* 8).assumingMemoryBound(to: Int32.self)[from]
                }
            }
            nullCounts[column] = nullCount
        }
        return count
    }

    /// Replaces the text values of records with bytes >= 0x80 by their UTF-8 (a single-byte
    /// encoding; ASCII reads the same in both), written to `transcoded`.
    private func transcode(_ column: Int, rows: Int, _ block: borrowing RecordBlock) {
        let values = texts + column &* capacity
        let isNull = nulls + column &* capacity
        var needed = 0
        for row in 0..<rows where !isNull[row] && block.highBytes[record(ofAppended: row)] {
            needed &+= values[row].count &* encoding.maxExpansion
        }
        if needed > transcodedCapacity {
            transcoded.deallocate()
            transcodedCapacity = Swift.max(needed, transcodedCapacity * 2)
            transcoded = .allocate(byteCount: transcodedCapacity, alignment: 8)
        }
        var used = 0
        for row in 0..<rows where !isNull[row] && block.highBytes[record(ofAppended: row)] {
            let length = encoding.transcode(values[row], into: transcoded + used)
            values[row] = UnsafeRawBufferPointer(start: transcoded + used, count: length)
            used &+= length
        }
    }
}
