import ETLArrow

/// Appends a run of a flat leaf's entries to a batch column in one loop per column, the type
/// switch taken once per run rather than once per value (the common, unfiltered read).
enum LeafColumnAppender {
    static func append(_ data: LeafColumnData, entries: Range<Int>, to builder: RecordBatchBuilder, column: Int) throws(ParquetReadError) {
        guard !entries.isEmpty else { return }
        let reader = data.reader
        var valueIndex = data.valueIndex(entries.lowerBound)
        do throws(ArrowError) {
            if try appendFast(data, entries: entries, valueIndex: &valueIndex, to: builder, column: column) { return }
        } catch {
            throw ParquetReadError(.corrupt, "column \(reader.path), value \(valueIndex): \(error.message)")
        }
        for entry in entries {
            if data.definition(entry) < data.maxDefinition {
                do throws(ArrowError) { try builder.appendNull(column: column) } catch {
                    throw ParquetReadError(.corrupt, "column \(reader.path): \(error.message)")
                }
            } else {
                try reader.append(data.valueIndex(entry), to: builder, column: column)
            }
        }
    }

    /// The loops for the common conversions; false (nothing appended) for the others.
    private static func appendFast(_ data: LeafColumnData, entries: Range<Int>, valueIndex: inout Int,
                                   to builder: RecordBatchBuilder, column: Int) throws(ArrowError) -> Bool {
        let defined = data.maxDefinition
        let levels = data.chunk.definitionLevels
        // Each loop: a null for an undefined entry, else the next value.
        switch (data.reader.conversion, data.reader.values) {
        case (.int64, .int64(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(int64: values[valueIndex], column: column)
                valueIndex += 1
            }
        case (.timestamp(.micros), .int64(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(timestampMicroseconds: values[valueIndex], column: column)
                valueIndex += 1
            }
        case (.int32, .int32(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(int64: Int64(values[valueIndex]), column: column)
                valueIndex += 1
            }
        case (.date, .int32(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(date32: values[valueIndex], column: column)
                valueIndex += 1
            }
        case (.double, .double(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(double: values[valueIndex], column: column)
                valueIndex += 1
            }
        case (.float, .float(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(double: Double(values[valueIndex]), column: column)
                valueIndex += 1
            }
        case (.boolean, .boolean(let values)):
            for entry in entries {
                if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                try builder.append(bool: values[valueIndex], column: column)
                valueIndex += 1
            }
        case (.utf8, .bytes(let values)), (.binary, .bytes(let values)):
            let isText = data.reader.conversion == .utf8
            var failure: ArrowError?
            var index = valueIndex
            values.data.withUnsafeBytes { bytes in
                do throws(ArrowError) {
                    for entry in entries {
                        if defined > 0 && Int(levels[entry]) < defined { try builder.appendNull(column: column); continue }
                        let value = UnsafeRawBufferPointer(rebasing: bytes[values.offsets[index]..<values.offsets[index + 1]])
                        if isText { try builder.append(utf8: value, column: column) } else { try builder.append(binary: value, column: column) }
                        index += 1
                    }
                } catch {
                    failure = error
                }
            }
            valueIndex = index
            if let failure { throw failure }
        default:
            return false
        }
        return true
    }
}
