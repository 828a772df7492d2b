#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin

/// Builds Arrow record batches value by value and exports them as struct arrays
/// (`"+s"`) through the C Data Interface.
///
/// Append one value (or null) per column for each row, in any column order, then
/// call `finish(into:)`. Appending to a column that does not exist, or with a
/// method of another type, throws `.misuse` and appends nothing. Not thread-safe:
/// use one builder from one thread at a time.
public final class RecordBatchBuilder {
    /// The columns this builder fills.
    public let schema: ArrowSchemaDescription
    /// One `ColumnBuilder` per column, in a C array so appends reach them without
    /// reference counting or copy-on-write checks.
    let columns: UnsafeMutablePointer<ColumnBuilder>
    let columnCount: Int

    /// The most rows reserved up front, so a wild capacity hint cannot exhaust memory.
    public static let maximumCapacityHint = 1 << 22

    /// Creates a builder. `capacity` is the expected rows per batch (0 if unknown);
    /// buffers still grow past it.
    public init(schema: ArrowSchemaDescription, capacity: Int = 0) {
        self.schema = schema
        columnCount = schema.fields.count
        columns = .allocate(capacity: Swift.max(columnCount, 1))
        let hint = Swift.min(Swift.max(capacity, 0), Self.maximumCapacityHint)
        for (index, field) in schema.fields.enumerated() {
            (columns + index).initialize(to: ColumnBuilder(type: field.type, capacityHint: hint))
        }
    }

    deinit {
        for index in 0..<columnCount { columns[index].deallocate() }
        columns.deinitialize(count: columnCount)
        columns.deallocate()
    }

    // MARK: Appending

    /// Appends a null to `column` (any type).
    public func appendNull(column: Int) throws(ArrowError) {
        guard column >= 0 && column < columnCount else { throw missingColumn(column, appending: "a null") }
        columns[column].appendNull()
    }

    /// Appends a boolean to a `.bool` column.
    @inline(__always)
    public func append(bool: Bool, column: Int) throws(ArrowError) {
        try slot(column, .bool).pointee.append(bit: bool)
    }

    /// Appends an integer to an `.int64` column.
    @inline(__always)
    public func append(int64: Int64, column: Int) throws(ArrowError) {
        try slot(column, .int64).pointee.append(fixed: int64)
    }

    /// Appends a double to a `.double` column.
    @inline(__always)
    public func append(double: Double, column: Int) throws(ArrowError) {
        try slot(column, .double).pointee.append(fixed: double)
    }

    /// Appends UTF-8 text to a `.utf8` column. The bytes are validated and copied;
    /// invalid UTF-8 throws `.badData` (naming the byte offset) and appends nothing.
    @inline(__always)
    public func append(utf8: UnsafeRawBufferPointer, column: Int) throws(ArrowError) {
        let target = try slot(column, .utf8)
        if let bad = target.pointee.append(utf8: utf8) {
            if bad == Int.max { throw overflow(column, adding: utf8.count) }
            throw invalidUTF8(column, offset: bad, length: utf8.count)
        }
    }

    /// Appends a Swift string (always valid UTF-8) to a `.utf8` column.
    @inline(__always)
    public func append(string: String, column: Int) throws(ArrowError) {
        let target = try slot(column, .utf8)
        var text = string
        let appended = text.withUTF8 { target.pointee.append(bytes: UnsafeRawBufferPointer($0)) }
        guard appended else { throw overflow(column, adding: string.utf8.count) }
    }

    /// Appends arbitrary bytes (copied) to a `.binary` column.
    @inline(__always)
    public func append(binary: UnsafeRawBufferPointer, column: Int) throws(ArrowError) {
        let target = try slot(column, .binary)
        guard target.pointee.append(bytes: binary) else { throw overflow(column, adding: binary.count) }
    }

    /// Appends microseconds since the Unix epoch (UTC) to a `.timestampMicrosecondsUTC` column.
    @inline(__always)
    public func append(timestampMicroseconds: Int64, column: Int) throws(ArrowError) {
        try slot(column, .timestampMicrosecondsUTC).pointee.append(fixed: timestampMicroseconds)
    }

    /// Appends days since the Unix epoch to a `.date32` column.
    @inline(__always)
    public func append(date32: Int32, column: Int) throws(ArrowError) {
        try slot(column, .date32).pointee.append(fixed: date32)
    }

    /// Appends an exact decimal to a `.decimal128(precision:scale:)` column. The value must have
    /// the column's scale (`ArrowDecimal.rescaled(to:)` widens one) and fit its precision;
    /// otherwise this throws `.misuse` (another scale) or `.badData` (too many digits) and
    /// appends nothing: a value is never rounded to fit.
    @inline(__always)
    public func append(decimal128 value: ArrowDecimal, column: Int) throws(ArrowError) {
        guard column >= 0 && column < columnCount else { throw missingColumn(column, appending: "decimal128") }
        let target = columns + column
        guard case .decimal128(let precision, let scale) = target.pointee.type else {
            throw wrongType(column, appending: .decimal128(precision: ArrowDecimal.maximumPrecision, scale: Int(value.scale)))
        }
        guard Int(value.scale) == scale, value.fits(precision: precision) else { throw decimalMismatch(column, value) }
        target.pointee.append(decimal: value)
    }

    // MARK: State

    /// Rows complete in every column (the shortest column's length); 0 without columns.
    public var rowCount: Int {
        guard columnCount > 0 else { return 0 }
        var shortest = Int.max
        for index in 0..<columnCount { shortest = Swift.min(shortest, columns[index].length) }
        return shortest
    }

    /// Bytes in use in the buffers (values, offsets, text and validity bitmaps):
    /// roughly the size of the batch `finish` would export. Use it to bound batches by bytes.
    public var byteSize: Int {
        var total = 0
        for index in 0..<columnCount { total += columns[index].byteSize }
        return total
    }

    // MARK: Finishing

    /// Moves the rows appended so far into `out` as a struct array (`"+s"`, one child
    /// per column, no struct-level nulls) and empties the builder for the next batch.
    /// `out` is overwritten, not released. The receiver calls `out.pointee.release`
    /// exactly once. Throws `.misuse`, changing nothing, when columns have different lengths.
    public func finish(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) {
        let length = columnCount > 0 ? columns[0].length : 0
        for index in 0..<columnCount where columns[index].length != length {
            throw unequalLengths()
        }
        // One block: the batch's buffer list (one NULL validity), the child pointers,
        // then the child structs themselves (a moved-out child is copied, so they may
        // live here; their buffers are owned by each child).
        let listSize = MemoryLayout<UnsafeRawPointer?>.stride
        let pointersSize = MemoryLayout<UnsafeMutablePointer<ArrowArray>?>.stride * columnCount
        let block = ArrowBuffer.allocate(
            byteCount: listSize + pointersSize + MemoryLayout<ArrowArray>.stride * columnCount)
        let bufferList = block.bindMemory(to: UnsafeRawPointer?.self, capacity: 1)
        bufferList[0] = nil
        let children = (block + listSize).bindMemory(to: UnsafeMutablePointer<ArrowArray>?.self, capacity: columnCount)
        let childStructs = (block + listSize + pointersSize).bindMemory(to: ArrowArray.self, capacity: columnCount)
        for index in 0..<columnCount {
            columns[index].export(into: childStructs + index)
            children[index] = childStructs + index
        }
        out.initialize(to: ArrowArray(
            length: Int64(length), null_count: 0, offset: 0, n_buffers: 1,
            n_children: Int64(columnCount), buffers: UnsafeMutablePointer(mutating: bufferList),
            children: columnCount > 0 ? children : nil, dictionary: nil,
            release: releaseExportedBatch, private_data: block))
    }

    // MARK: Checks and messages (kept off the hot path)

    @inline(__always)
    func slot(_ column: Int, _ type: ArrowColumnType) throws(ArrowError) -> UnsafeMutablePointer<ColumnBuilder> {
        guard column >= 0 && column < columnCount else { throw missingColumn(column, appending: type.displayName) }
        let target = columns + column
        guard target.pointee.tag == type.tag else { throw wrongType(column, appending: type) }
        return target
    }

    private func label(_ column: Int) -> String {
        "column \(column) (\"\(schema.fields[column].name)\")"
    }

    @inline(never)
    private func missingColumn(_ column: Int, appending what: String) -> ArrowError {
        let range = columnCount == 0 ? "the schema has no columns" : "the schema has \(columnCount) columns, 0...\(columnCount - 1)"
        return ArrowError(.misuse, "cannot append \(what) to column \(column): \(range)")
    }

    @inline(never)
    private func wrongType(_ column: Int, appending type: ArrowColumnType) -> ArrowError {
        let actual = schema.fields[column].type
        return ArrowError(.misuse, "cannot append \(type.displayName) to \(label(column)): the column is \(actual.displayName) (\"\(actual.rawValue)\"); use \(actual.appendMethodName) or appendNull(column:)")
    }

    @inline(never)
    private func decimalMismatch(_ column: Int, _ value: ArrowDecimal) -> ArrowError {
        let type = schema.fields[column].type
        if Int(value.scale) != type.decimalScale {
            return ArrowError(.misuse, "cannot append \(value.text) (scale \(value.scale)) to \(label(column)): the column is \(type.displayName); rescale the value to the column's scale first")
        }
        return ArrowError(.badData, "cannot append \(value.text) to \(label(column)): it has more digits than \(type.displayName) holds")
    }

    @inline(never)
    func invalidUTF8(_ column: Int, offset: Int, length: Int, row: Int? = nil) -> ArrowError {
        let which = row.map { "the \(length)-byte value at row \($0) of the run" } ?? "the \(length)-byte value"
        return ArrowError(.badData, "cannot append to \(label(column)): \(which) is not valid UTF-8 (first bad byte at offset \(offset)); clean or transcode the text, or declare the column binary (\"z\")")
    }

    @inline(never)
    func overflow(_ column: Int, adding count: Int) -> ArrowError {
        ArrowError(.misuse, "cannot append \(count) bytes to \(label(column)): one batch column holds at most 2 GiB of \(schema.fields[column].type.displayName) data (32-bit offsets); finish batches sooner (watch byteSize)")
    }

    @inline(never)
    private func unequalLengths() -> ArrowError {
        let lengths = (0..<columnCount).map { "\(label($0)) has \(columns[$0].length)" }.joined(separator: ", ")
        return ArrowError(.misuse, "cannot finish the batch: columns have different lengths (\(lengths)); append exactly one value or null per column for every row")
    }
}
