import CETLPlugin

/// Checks a struct array from a foreign producer against a schema and the C Data
/// Interface, and prepares the column readers. Errors name the column and the
/// field that is wrong, since the fix is in the producer.
enum ImportValidation {
    static func columns(of batch: ArrowArray, schema: ArrowSchemaDescription) throws(ArrowError) -> [ImportedColumn] {
        let fields = schema.fields
        guard batch.length >= 0, batch.offset >= 0 else {
            throw ArrowError(.invalidArray, "the batch has length \(batch.length) and offset \(batch.offset); both must be 0 or more")
        }
        guard batch.n_buffers == 1 else {
            throw ArrowError(.invalidArray, "the batch has \(batch.n_buffers) buffers; a struct array (\"+s\") has exactly 1 (validity)")
        }
        guard batch.n_children == Int64(fields.count) else {
            throw ArrowError(.invalidArray, "the batch has \(batch.n_children) columns but the schema has \(fields.count) (\(fields.map(\.name).joined(separator: ", ")))")
        }
        guard batch.dictionary == nil else {
            throw ArrowError(.unsupported, "the batch is dictionary-encoded; ABI 1 batches are plain struct arrays")
        }
        guard let buffers = batch.buffers else {
            throw ArrowError(.invalidArray, "the batch has n_buffers = 1 but a NULL buffers pointer")
        }
        guard fields.isEmpty || batch.children != nil else {
            throw ArrowError(.invalidArray, "the batch has \(fields.count) columns but a NULL children pointer")
        }
        let rows = Int(batch.length)
        let parentOffset = Int(batch.offset)
        let parentValidity = try validityBitmap(
            buffers[0], nullCount: batch.null_count, length: rows, where: "the batch (struct level)")

        var columns: [ImportedColumn] = []
        columns.reserveCapacity(fields.count)
        for (index, field) in fields.enumerated() {
            let label = "column \(index) (\"\(field.name)\", \(field.type.displayName))"
            guard let child = batch.children[index] else {
                throw ArrowError(.invalidArray, "\(label) is a NULL pointer")
            }
            columns.append(try column(
                child.pointee, field: field, label: label, rows: rows, parentOffset: parentOffset,
                parentValidity: parentValidity))
        }
        return columns
    }

    private static func column(
        _ array: ArrowArray, field: ArrowField, label: String, rows: Int, parentOffset: Int,
        parentValidity: UnsafePointer<UInt8>?
    ) throws(ArrowError) -> ImportedColumn {
        let type = field.type
        guard array.release != nil else {
            throw ArrowError(.invalidArray, "\(label) was already released or moved out (its release callback is NULL)")
        }
        guard array.length >= 0, array.offset >= 0 else {
            throw ArrowError(.invalidArray, "\(label) has length \(array.length) and offset \(array.offset); both must be 0 or more")
        }
        // Rows of a struct child are read at parent offset + row, then shifted by the
        // child's own offset.
        guard Int(array.length) >= parentOffset + rows else {
            throw ArrowError(.invalidArray, "\(label) has \(array.length) values but the batch needs \(parentOffset + rows) (offset \(parentOffset) + length \(rows))")
        }
        guard array.n_children == 0, array.dictionary == nil else {
            throw ArrowError(.invalidArray, "\(label) has children or a dictionary; ABI 1 columns have neither")
        }
        // The null type has no buffers; accept one (an unused validity slot) from
        // producers following Arrow's in-memory layout rather than the C interface.
        let expectedBuffers = type.bufferCount
        let buffersOK = array.n_buffers == Int64(expectedBuffers) || (type == .null && array.n_buffers == 1)
        guard buffersOK else {
            throw ArrowError(.invalidArray, "\(label) has \(array.n_buffers) buffers; format \"\(type.rawValue)\" has \(expectedBuffers)")
        }
        let firstIndex = parentOffset + Int(array.offset)
        if type == .null {
            return ImportedColumn(
                type: type, count: rows, firstIndex: firstIndex, validity: nil, parentValidity: parentValidity,
                parentFirstIndex: parentOffset, values: nil, data: nil)
        }
        guard let buffers = array.buffers else {
            throw ArrowError(.invalidArray, "\(label) has n_buffers = \(array.n_buffers) but a NULL buffers pointer")
        }
        let validity = try validityBitmap(buffers[0], nullCount: array.null_count, length: Int(array.length), where: label)
        let values = buffers[1]
        // A NULL data buffer is allowed only where there is nothing to read.
        guard values != nil || rows == 0 else {
            throw ArrowError(.invalidArray, "\(label) has a NULL \(type == .utf8 || type == .binary ? "offsets" : "values") buffer but \(rows) rows")
        }
        var data: UnsafeRawPointer?
        if type == .utf8 || type == .binary {
            data = buffers[2]
            if let values, rows > 0 {
                let offsets = values.assumingMemoryBound(to: Int32.self)
                try checkOffsets(offsets, from: firstIndex, rows: rows, hasData: data != nil, label: label)
                if type == .utf8, let data {
                    try TextColumnCheck(
                        offsets: offsets, data: data, firstIndex: firstIndex, rows: rows, validity: validity,
                        parentValidity: parentValidity, parentFirstIndex: parentOffset
                    ).check(label: label)
                }
            }
        }
        return ImportedColumn(
            type: type, count: rows, firstIndex: firstIndex, validity: validity, parentValidity: parentValidity,
            parentFirstIndex: parentOffset, values: values, data: data)
    }

    /// The bitmap to consult, or nil when the array has no nulls. A NULL bitmap means
    /// "no nulls"; a null_count of 0 lets us skip a bitmap that is present; -1 means
    /// "not computed", so the bitmap decides.
    private static func validityBitmap(
        _ buffer: UnsafeRawPointer?, nullCount: Int64, length: Int, where label: String
    ) throws(ArrowError) -> UnsafePointer<UInt8>? {
        guard nullCount >= -1, nullCount <= Int64(length) else {
            throw ArrowError(.invalidArray, "\(label) has null_count \(nullCount) for \(length) values; it must be -1 (unknown) or 0...\(length)")
        }
        guard let buffer else {
            guard nullCount <= 0 else {
                throw ArrowError(.invalidArray, "\(label) has null_count \(nullCount) but a NULL validity buffer")
            }
            return nil
        }
        return nullCount == 0 ? nil : buffer.assumingMemoryBound(to: UInt8.self)
    }

    /// Offsets of the rows read must start at 0 or more and never decrease, and the
    /// data buffer may be NULL only if they span no bytes; otherwise reads would
    /// leave the producer's memory. Whether the last offset lies within the data buffer
    /// cannot be known: the C Data Interface carries no buffer lengths.
    private static func checkOffsets(
        _ offsets: UnsafePointer<Int32>, from first: Int, rows: Int, hasData: Bool, label: String
    ) throws(ArrowError) {
        let start = offsets[first]
        guard start >= 0 else {
            throw ArrowError(.invalidArray, "\(label), row 0 of the batch: its start offset is negative (\(start))")
        }
        // One pass without an exit, which the compiler vectorizes; the failing row is looked
        // for only when there is one.
        let rowOffsets = offsets + first
        // Sign bit set when some offset is negative or below the one before: with the start
        // not negative, a negative offset means a decrease, and the difference of two that are
        // not negative cannot wrap.
        var steps: Int32 = 0
        for row in 0..<rows {
            let current = rowOffsets[row &+ 1]
            steps |= current | (current &- rowOffsets[row])
        }
        if steps < 0 { try throwFirstDecrease(offsets, from: first, rows: rows, label: label) }
        let end = offsets[first + rows]
        guard hasData || end == start else {
            throw ArrowError(.invalidArray, "\(label) has a NULL data buffer but its offsets span \(end - start) bytes")
        }
    }

    @inline(never)
    private static func throwFirstDecrease(_ offsets: UnsafePointer<Int32>, from first: Int, rows: Int, label: String) throws(ArrowError) {
        for index in (first + 1)...(first + rows) where offsets[index] < offsets[index - 1] {
            throw ArrowError(.invalidArray, "\(label), row \(index - first - 1) of the batch: its offsets decrease (\(offsets[index - 1]) then \(offsets[index])); offsets must never decrease")
        }
    }
}
