import ETLArrow

/// A column of a batch while transforms run: its name, Arrow type and values.
///
/// A column no step rewrites stays in the imported batch's memory (with a list of the rows still
/// in the table once a filter or a reject removed some) and is copied straight into the output
/// batch: only the columns a step reads or writes are decoded into `TransformValue`s.
package struct TransformColumn {
    package var name: String
    /// Changing the type drops `extensionName`, as `ArrowField.type` does.
    package var type: ArrowColumnType {
        didSet { if type != oldValue { extensionName = nil } }
    }
    /// The field's Arrow extension (arrow.json), carried through select and rename.
    package var extensionName: String?
    private var storage: Storage

    private enum Storage {
        /// Still in the batch (its column `child`); `rows` lists the batch rows in the table
        /// (nil: all of them, in order).
        case imported(ImportedColumn, child: Int, rows: [Int]?)
        case decoded([TransformValue])
    }

    package init(name: String, type: ArrowColumnType, values: [TransformValue]) {
        self.name = name
        self.type = type
        storage = .decoded(values)
    }

    /// Column `index` of `batch`, read lazily (the table keeps the batch alive).
    init(_ batch: ImportedRecordBatch, index: Int) {
        let field = batch.schema.fields[index]
        name = field.name
        type = field.type
        extensionName = field.extensionName
        storage = .imported(batch.column(index), child: index, rows: nil)
    }

    /// The values, decoded from the batch on first need.
    package var values: [TransformValue] {
        get {
            switch storage {
            case .decoded(let values): return values
            case .imported(let column, _, let rows):
                return Self.decode(column, rows: rows)
            }
        }
        set { storage = .decoded(newValue) }
    }

    /// The imported batch's column this one is, unchanged and with every row: it can move to
    /// the output batch as it is. Nil once a step rewrote it or removed rows.
    var unchangedChild: Int? {
        if case .imported(_, let child, nil) = storage { return child }
        return nil
    }

    /// The imported column and the rows left of it, when no step rewrote it but rows were removed:
    /// `ColumnTake` gathers them without decoding.
    var remainingImportedRows: (column: ImportedColumn, rows: [Int])? {
        if case .imported(let column, _, let rows?) = storage { return (column, rows) }
        return nil
    }

    /// The value of one row, without decoding the rest of the column.
    func value(at row: Int) -> TransformValue {
        switch storage {
        case .decoded(let values): return values[row]
        case .imported(let column, _, let rows): return Self.value(column, rows?[row] ?? row)
        }
    }

    /// Only the rows where `keep` is true.
    mutating func keepRows(_ keep: [Bool]) {
        switch storage {
        case .decoded(let values):
            var kept: [TransformValue] = []
            kept.reserveCapacity(values.count)
            for (row, value) in values.enumerated() where keep[row] { kept.append(value) }
            storage = .decoded(kept)
        case .imported(let column, let child, let rows):
            var kept: [Int] = []
            kept.reserveCapacity(keep.count)
            for row in keep.indices where keep[row] { kept.append(rows?[row] ?? row) }
            storage = .imported(column, child: child, rows: kept)
        }
    }

    /// Row `origins[i]` as row i (explode repeats a row once per element).
    mutating func repeatRows(_ origins: [Int]) {
        switch storage {
        case .decoded(let values): storage = .decoded(origins.map { values[$0] })
        case .imported(let column, let child, let rows): storage = .imported(column, child: child, rows: origins.map { rows?[$0] ?? $0 })
        }
    }

    /// The values at `rows` (nil: every row), one loop per type.
    private static func decode(_ column: ImportedColumn, rows: [Int]?) -> [TransformValue] {
        func each(_ value: (Int) -> TransformValue) -> [TransformValue] {
            var output: [TransformValue] = []
            output.reserveCapacity(rows?.count ?? column.count)
            if let rows {
                for row in rows { output.append(column.isNull(row) ? .null : value(row)) }
            } else {
                for row in 0..<column.count { output.append(column.isNull(row) ? .null : value(row)) }
            }
            return output
        }
        switch column.type {
        case .bool: return each { .bool(column.bool($0)) }
        case .int64: return each { .int(column.int64($0)) }
        case .double: return each { .double(column.double($0)) }
        case .utf8: return each { .text(column.string($0)) }
        case .binary: return each { .bytes(Array(column.bytes($0))) }
        case .timestampMicrosecondsUTC: return each { .timestamp(column.timestampMicroseconds($0)) }
        case .date32: return each { .date(column.date32($0)) }
        case .decimal128: return each { .decimal(column.decimal128($0)) }
        case .null: return Array(repeating: .null, count: rows?.count ?? column.count)
        }
    }

    private static func value(_ column: ImportedColumn, _ row: Int) -> TransformValue {
        if column.isNull(row) { return .null }
        switch column.type {
        case .bool: return .bool(column.bool(row))
        case .int64: return .int(column.int64(row))
        case .double: return .double(column.double(row))
        case .utf8: return .text(column.string(row))
        case .binary: return .bytes(Array(column.bytes(row)))
        case .timestampMicrosecondsUTC: return .timestamp(column.timestampMicroseconds(row))
        case .date32: return .date(column.date32(row))
        case .decimal128: return .decimal(column.decimal128(row))
        case .null: return .null
        }
    }

    /// Appends every value to column `index` of `builder`; the values match `type` (the
    /// transform plan guarantees it), so a mismatch is a bug in the plan.
    func append(to builder: RecordBatchBuilder, index: Int) throws(ArrowError) {
        switch storage {
        case .imported(let column, _, let rows):
            try Self.copy(column, rows: rows ?? Array(0..<column.count), to: builder, index: index)
        case .decoded(let values):
            for value in values { try Self.append(value, to: builder, index: index) }
        }
    }

    /// Rows copied from the imported batch, without going through `TransformValue`: one loop per
    /// type, so the per-row work is the null check and the append.
    private static func copy(_ column: ImportedColumn, rows: [Int], to builder: RecordBatchBuilder, index: Int) throws(ArrowError) {
        @inline(__always)
        func each(_ append: (Int) throws(ArrowError) -> Void) throws(ArrowError) {
            for row in rows {
                if column.isNull(row) { try builder.appendNull(column: index) } else { try append(row) }
            }
        }
        switch column.type {
        case .bool: try each { (row) throws(ArrowError) in try builder.append(bool: column.bool(row), column: index) }
        case .int64: try each { (row) throws(ArrowError) in try builder.append(int64: column.int64(row), column: index) }
        case .double: try each { (row) throws(ArrowError) in try builder.append(double: column.double(row), column: index) }
        case .utf8: try each { (row) throws(ArrowError) in try builder.append(utf8: column.bytes(row), column: index) }
        case .binary: try each { (row) throws(ArrowError) in try builder.append(binary: column.bytes(row), column: index) }
        case .timestampMicrosecondsUTC:
            try each { (row) throws(ArrowError) in try builder.append(timestampMicroseconds: column.timestampMicroseconds(row), column: index) }
        case .date32: try each { (row) throws(ArrowError) in try builder.append(date32: column.date32(row), column: index) }
        case .decimal128: try each { (row) throws(ArrowError) in try builder.append(decimal128: column.decimal128(row), column: index) }
        case .null: for _ in rows { try builder.appendNull(column: index) }
        }
    }

    private static func append(_ value: TransformValue, to builder: RecordBatchBuilder, index: Int) throws(ArrowError) {
        switch value {
        case .null: try builder.appendNull(column: index)
        case .bool(let bool): try builder.append(bool: bool, column: index)
        case .int(let int): try builder.append(int64: int, column: index)
        case .double(let double): try builder.append(double: double, column: index)
        case .text(let text): try builder.append(string: text, column: index)
        case .timestamp(let micros): try builder.append(timestampMicroseconds: micros, column: index)
        case .date(let days): try builder.append(date32: days, column: index)
        case .decimal(let value): try builder.append(decimal128: value, column: index)
        case .bytes(let bytes):
            var failure: ArrowError?
            bytes.withUnsafeBytes { raw in
                do throws(ArrowError) { try builder.append(binary: raw, column: index) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }
}
