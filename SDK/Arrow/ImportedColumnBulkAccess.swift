/// Access for loops over many rows of a column: the type is checked once, when the view is
/// taken, and a row is not checked against `count` (the loop's bounds do that), so a loop costs
/// a few instructions per value instead of a few dozen. The answers are those of the per-row
/// accessors; reading a row outside `0..<count` through a view is undefined, as with any
/// unsafe pointer. Imported batches were validated (offsets ascend within the data, buffers
/// are as long as the rows need), so the views can trust the buffers.
extension ImportedColumn {
    /// Whether rows are null, as `isNull` says.
    public struct NullTest {
        @usableFromInline let allNull: Bool
        @usableFromInline let validity: UnsafePointer<UInt8>?
        @usableFromInline let firstIndex: Int
        @usableFromInline let parentValidity: UnsafePointer<UInt8>?
        @usableFromInline let parentFirstIndex: Int

        @usableFromInline
        init(_ column: ImportedColumn) {
            allNull = column.type.tag == ArrowColumnType.null.tag
            validity = column.validity
            firstIndex = column.firstIndex
            parentValidity = column.parentValidity
            parentFirstIndex = column.parentFirstIndex
        }

        /// Whether `row` (0..<count) is null.
        @inlinable @inline(__always)
        public func isNull(_ row: Int) -> Bool {
            if allNull { return true }
            if let validity, !ImportedColumn.bit(validity, firstIndex &+ row) { return true }
            if let parentValidity, !ImportedColumn.bit(parentValidity, parentFirstIndex &+ row) { return true }
            return false
        }
    }

    /// The null test of every row.
    @inlinable
    public var nullTest: NullTest { NullTest(self) }

    /// The values of a `.utf8` or `.binary` column: row `r` is the bytes from
    /// `data + offsets[r]` to `data + offsets[r + 1]` (empty for a null).
    public struct VariableWidthValues {
        /// `count + 1` offsets, row 0's start first.
        public let offsets: UnsafePointer<Int32>
        /// The values' bytes; nil only when every value is empty.
        public let data: UnsafeRawPointer?

        @usableFromInline
        init(offsets: UnsafePointer<Int32>, data: UnsafeRawPointer?) {
            self.offsets = offsets
            self.data = data
        }

        /// The byte count of row `row` (0..<count).
        @inlinable @inline(__always)
        public func length(_ row: Int) -> Int { Int(offsets[row &+ 1] &- offsets[row]) }

        /// The bytes of row `row` (0..<count), pointing into the batch's memory.
        @inlinable @inline(__always)
        public func bytes(_ row: Int) -> UnsafeRawBufferPointer {
            let start = Int(offsets[row])
            guard let data else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: data + start, count: Int(offsets[row &+ 1]) &- start)
        }
    }

    /// The values of a `.utf8` or `.binary` column.
    @inlinable
    public var variableWidthValues: VariableWidthValues {
        precondition(type.tag == ArrowColumnType.utf8.tag || type.tag == ArrowColumnType.binary.tag,
                     "ImportedColumn: variableWidthValues read from a \(type.displayName) column")
        let offsets = values.unsafelyUnwrapped.assumingMemoryBound(to: Int32.self) + firstIndex
        return VariableWidthValues(offsets: offsets, data: data)
    }

    /// The values of an `.int64` or `.timestampMicrosecondsUTC` column, row 0 first (a null's
    /// slot holds an unspecified value).
    @inlinable
    public var int64Values: UnsafePointer<Int64> {
        precondition(type.tag == ArrowColumnType.int64.tag || type.tag == ArrowColumnType.timestampMicrosecondsUTC.tag,
                     "ImportedColumn: int64Values read from a \(type.displayName) column")
        return values.unsafelyUnwrapped.assumingMemoryBound(to: Int64.self) + firstIndex
    }

    /// The values of a `.double` column, row 0 first.
    @inlinable
    public var doubleValues: UnsafePointer<Double> {
        precondition(type.tag == ArrowColumnType.double.tag, "ImportedColumn: doubleValues read from a \(type.displayName) column")
        return values.unsafelyUnwrapped.assumingMemoryBound(to: Double.self) + firstIndex
    }

    /// The values of a `.date32` column, row 0 first.
    @inlinable
    public var date32Values: UnsafePointer<Int32> {
        precondition(type.tag == ArrowColumnType.date32.tag, "ImportedColumn: date32Values read from a \(type.displayName) column")
        return values.unsafelyUnwrapped.assumingMemoryBound(to: Int32.self) + firstIndex
    }
}
