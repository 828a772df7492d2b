import ETLArrow

/// A column of a batch while transforms run: its name, Arrow type and values.
package struct TransformColumn: Sendable {
    package var name: String
    package var type: ArrowColumnType
    package var values: [TransformValue]

    package init(name: String, type: ArrowColumnType, values: [TransformValue]) {
        self.name = name
        self.type = type
        self.values = values
    }

    /// Reads column `index` of `batch` into values.
    init(_ batch: ImportedRecordBatch, index: Int) {
        let field = batch.schema.fields[index]
        let column = batch.column(index)
        var values: [TransformValue] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            if column.isNull(row) {
                values.append(.null)
                continue
            }
            switch field.type {
            case .bool: values.append(.bool(column.bool(row)))
            case .int64: values.append(.int(column.int64(row)))
            case .double: values.append(.double(column.double(row)))
            case .utf8: values.append(.text(column.string(row)))
            case .binary: values.append(.bytes(Array(column.bytes(row))))
            case .timestampMicrosecondsUTC: values.append(.timestamp(column.timestampMicroseconds(row)))
            case .date32: values.append(.date(column.date32(row)))
            case .null: values.append(.null)
            }
        }
        self.init(name: field.name, type: field.type, values: values)
    }

    /// Appends every value to column `index` of `builder`; the values match `type` (the
    /// transform plan guarantees it), so a mismatch is a bug in the plan.
    func append(to builder: RecordBatchBuilder, index: Int) throws(ArrowError) {
        for value in values {
            switch value {
            case .null: try builder.appendNull(column: index)
            case .bool(let bool): try builder.append(bool: bool, column: index)
            case .int(let int): try builder.append(int64: int, column: index)
            case .double(let double): try builder.append(double: double, column: index)
            case .text(let text): try builder.append(string: text, column: index)
            case .timestamp(let micros): try builder.append(timestampMicroseconds: micros, column: index)
            case .date(let days): try builder.append(date32: days, column: index)
            case .bytes(let bytes):
                var failure: ArrowError?
                bytes.withUnsafeBytes { raw in
                    do throws(ArrowError) { try builder.append(binary: raw, column: index) } catch { failure = error }
                }
                if let failure { throw failure }
            }
        }
    }
}
