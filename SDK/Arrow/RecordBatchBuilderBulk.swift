/// Appending a run of rows to one column in a call.
///
/// A source that decodes a block of rows column by column (the csv plugin does) appends each
/// column's values at once: one type check and one reservation per call instead of per value.
/// `isNull`, when not nil, holds `count` flags: a true flag appends a null at that row, and the
/// value given there is not used. Columns are appended independently, so after appending a run
/// of `count` rows to one column, append the same rows to every other column before `finish`.
extension RecordBatchBuilder {
    /// Appends `count` integers to an `.int64` column.
    public func append(int64s values: UnsafePointer<Int64>, isNull: UnsafePointer<Bool>? = nil, count: Int, column: Int) throws(ArrowError) {
        try slot(column, .int64).pointee.append(fixed: values, isNull: isNull, count: count)
    }

    /// Appends `count` doubles to a `.double` column.
    public func append(doubles values: UnsafePointer<Double>, isNull: UnsafePointer<Bool>? = nil, count: Int, column: Int) throws(ArrowError) {
        try slot(column, .double).pointee.append(fixed: values, isNull: isNull, count: count)
    }

    /// Appends `count` booleans to a `.bool` column.
    public func append(bools values: UnsafePointer<Bool>, isNull: UnsafePointer<Bool>? = nil, count: Int, column: Int) throws(ArrowError) {
        try slot(column, .bool).pointee.append(bits: values, isNull: isNull, count: count)
    }

    /// Appends `count` microsecond timestamps (UTC) to a `.timestampMicrosecondsUTC` column.
    public func append(timestampsMicroseconds values: UnsafePointer<Int64>, isNull: UnsafePointer<Bool>? = nil, count: Int,
                       column: Int) throws(ArrowError) {
        try slot(column, .timestampMicrosecondsUTC).pointee.append(fixed: values, isNull: isNull, count: count)
    }

    /// Appends `count` dates (days since the Unix epoch) to a `.date32` column.
    public func append(date32s values: UnsafePointer<Int32>, isNull: UnsafePointer<Bool>? = nil, count: Int, column: Int) throws(ArrowError) {
        try slot(column, .date32).pointee.append(fixed: values, isNull: isNull, count: count)
    }

    /// Appends `count` UTF-8 values (copied) to a `.utf8` column. The buffers of null rows are
    /// not read. When a value is not UTF-8, this throws `.badData` naming its row in the run
    /// and the offset of its first bad byte, and appends none of the run.
    public func append(utf8s values: UnsafePointer<UnsafeRawBufferPointer>, isNull: UnsafePointer<Bool>? = nil, count: Int,
                       column: Int) throws(ArrowError) {
        let target = try slot(column, .utf8)
        guard let (index, offset) = target.pointee.append(utf8: values, isNull: isNull, count: count) else { return }
        if offset == Int.max {
            var bytes = 0
            for row in 0..<count where isNull?[row] != true { bytes += values[row].count }
            throw overflow(column, adding: bytes)
        }
        throw invalidUTF8(column, offset: offset, length: values[index].count, row: index)
    }
}
