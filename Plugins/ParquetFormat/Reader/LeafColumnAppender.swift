import ETLArrow

/// Appends a run of a flat leaf's entries to a batch column in one loop per column, the type
/// switch taken once per run rather than once per value (the common, unfiltered read).
/// Dictionary-encoded pages are appended straight from their dictionary through the indices.
enum LeafColumnAppender {
    /// `ordinal` is the number of defined entries before `entries` in the page (advanced past them).
    static func append(_ data: LeafColumnData, entries: Range<Int>, ordinal: inout Int, to builder: RecordBatchBuilder, column: Int) throws(ParquetReadError) {
        guard !entries.isEmpty else { return }
        let reader = data.reader
        do throws(ArrowError) {
            if try appendFast(data, entries: entries, ordinal: &ordinal, to: builder, column: column) { return }
        } catch {
            throw ParquetReadError(.corrupt, "column \(reader.path), value \(ordinal): \(error.message)")
        }
        for entry in entries {
            if data.definition(entry) < data.maxDefinition {
                do throws(ArrowError) { try builder.appendNull(column: column) } catch {
                    throw ParquetReadError(.corrupt, "column \(reader.path): \(error.message)")
                }
            } else {
                try reader.append(data.value(atOrdinal: ordinal), to: builder, column: column)
                ordinal += 1
            }
        }
    }

    /// The loops for the common conversions; false (nothing appended) for the others.
    private static func appendFast(_ data: LeafColumnData, entries: Range<Int>, ordinal: inout Int,
                                   to builder: RecordBatchBuilder, column: Int) throws(ArrowError) -> Bool {
        let defined = data.maxDefinition
        let levels = data.chunk.definitionLevels
        let indices = data.chunk.dictionaryIndices ?? []
        let direct = data.chunk.dictionaryIndices == nil
        var next = ordinal
        defer { ordinal = next }
        /// Each entry: a null when undefined, else `append` of the next value's position in
        /// the reader's values (the dictionary's, through the indices, for a dictionary page).
        func each(_ append: (Int) throws(ArrowError) -> Void) throws(ArrowError) {
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try append(direct ? next : Int(indices[next]))
                next += 1
            }
        }
        switch (data.reader.conversion, data.reader.values) {
        case (.int64, .int64(let values)):
            try each { (index) throws(ArrowError) in try builder.append(int64: values[index], column: column) }
        case (.timestamp(.micros), .int64(let values)):
            try each { (index) throws(ArrowError) in try builder.append(timestampMicroseconds: values[index], column: column) }
        case (.int32, .int32(let values)):
            try each { (index) throws(ArrowError) in try builder.append(int64: Int64(values[index]), column: column) }
        case (.date, .int32(let values)):
            try each { (index) throws(ArrowError) in try builder.append(date32: values[index], column: column) }
        case (.double, .double(let values)):
            try each { (index) throws(ArrowError) in try builder.append(double: values[index], column: column) }
        case (.float, .float(let values)):
            try each { (index) throws(ArrowError) in try builder.append(double: Double(values[index]), column: column) }
        case (.boolean, .boolean(let values)):
            try each { (index) throws(ArrowError) in try builder.append(bool: values[index], column: column) }
        case (.utf8, .bytes(let values)), (.binary, .bytes(let values)):
            let isText = data.reader.conversion == .utf8
            var failure: ArrowError?
            values.data.withUnsafeBytes { bytes in
                values.offsets.withUnsafeBufferPointer { offsets in
                    do throws(ArrowError) {
                        try each { (index) throws(ArrowError) in
                            let value = UnsafeRawBufferPointer(rebasing: bytes[offsets[index]..<offsets[index + 1]])
                            if isText { try builder.append(utf8: value, column: column) } else { try builder.append(binary: value, column: column) }
                        }
                    } catch {
                        failure = error
                    }
                }
            }
            if let failure { throw failure }
        default:
            return false
        }
        return true
    }
}
