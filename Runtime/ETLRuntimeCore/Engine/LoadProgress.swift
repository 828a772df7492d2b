import ETLArrow

/// How far an entry's load has come, reported after each batch: for the progress line on a
/// terminal and the `progress` log events elsewhere (`run --progress-interval`).
package struct LoadProgress: Sendable, Equatable, Codable {
    /// Rows the source sent so far.
    package var rows: Int
    /// The Arrow bytes of those rows: values and offsets, without validity bitmaps — what moved
    /// through the runtime, which for text is close to the bytes read.
    package var bytes: Int
    /// How much of its input the source says it has consumed (nil for a source that does not
    /// report it: no percentage then).
    package var input: SourceInputProgress?

    package init(rows: Int, bytes: Int, input: SourceInputProgress? = nil) {
        self.rows = rows
        self.bytes = bytes
        self.input = input
    }

    /// The Arrow bytes of `batch` (see `bytes`).
    package static func bytes(of batch: ImportedRecordBatch) -> Int {
        var total = 0
        for index in 0..<batch.schema.fields.count {
            let column = batch.column(index)
            switch column.type {
            case .bool: total += (column.count + 7) / 8
            case .int64, .double, .timestampMicrosecondsUTC: total += column.count * 8
            case .date32: total += column.count * 4
            case .decimal128: total += column.count * 16
            case .null: break
            case .utf8, .binary:
                total += (column.count + 1) * 4 + column.valueByteCount
            }
        }
        return total
    }
}
