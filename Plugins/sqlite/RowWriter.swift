import CETLPlugin
import CSQLite
import ETLArrow
import ETLPluginKit

/// Binds every row of a batch straight from the Arrow buffers into the load's prepared
/// statements and steps them: no per-row allocation, text and blobs bound in place
/// (SQLITE_STATIC: SQLite reads them during the step, while the batch is alive).
final class RowWriter {
    /// The statements run for each row, in order (one, or two for scd2).
    private let statements: [SQLiteStatement]
    /// Whether the last statement's changes count the rows (merge: a conflict that does nothing
    /// counts 0; scd2: only new versions count).
    private let countsChanges: Bool
    /// Batch columns whose NULLs must be refused (the key of merge and scd2).
    private let keyColumns: Set<Int>
    /// The load's timestamp for scd2's ?n+1, bound before each batch.
    private let loadTime: String?
    /// 32 bytes per column for timestamp and date text, reused row after row.
    private let scratch: UnsafeMutablePointer<UInt8>
    private let columnCount: Int
    private let columnNames: [String]
    private let target: String
    private let database: String

    /// Doubles that were NaN, which SQLite stores as NULL (reported once at commit).
    private(set) var nanCount: Int64 = 0

    init(statements: [SQLiteStatement], countsChanges: Bool, keyColumns: Set<Int>, loadTime: String?,
         columnNames: [String], target: String, database: String) {
        self.statements = statements
        self.countsChanges = countsChanges
        self.keyColumns = keyColumns
        self.loadTime = loadTime
        self.columnCount = columnNames.count
        self.columnNames = columnNames
        self.target = target
        self.database = database
        scratch = .allocate(capacity: max(columnNames.count, 1) * CivilTime.maximumTimestampLength)
    }

    deinit {
        scratch.deallocate()
    }

    /// Writes every row of `batch` and returns the rows the target gained or updated.
    /// `firstRow` is the load's count of rows before this batch, for messages.
    func write(_ batch: ImportedRecordBatch, firstRow: Int64) throws(PluginError) -> Int64 {
        let rowCount = batch.rowCount
        guard rowCount > 0 else { return 0 }
        // Taking the Arrow array out of the batch gives direct access to its buffers (see
        // ArrowColumnBuffers); it is released here, after the last step read from it.
        var array = ArrowArray()
        batch.export(to: &array)
        defer {
            // No binding may outlive the batch it points into.
            for statement in statements { statement.clearBindings() }
            array.release?(&array)
        }
        var columns: [BoundColumn] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            let type = batch.schema.fields[index].type
            columns.append(BoundColumn(column: ArrowColumnBuffers(batch: array, index: index, type: type),
                                       parameter: Int32(index + 1), kind: type,
                                       scratch: scratch + index * CivilTime.maximumTimestampLength))
        }
        if let loadTime {
            for statement in statements { statement.bind(text: loadTime, at: Int32(columnCount + 1)) }
        }
        var affected: Int64 = 0
        let handles = statements.map(\.handle)
        try columns.withUnsafeBufferPointer { (bound) throws(PluginError) in
            for row in 0..<rowCount {
                if !keyColumns.isEmpty { try checkKey(bound, row: row, firstRow: firstRow) }
                for (position, handle) in handles.enumerated() {
                    for column in bound {
                        let code = bind(column, row: row, to: handle)
                        if code != SQLITE_OK {
                            throw failure(code, statement: statements[position], column: column, row: row, firstRow: firstRow)
                        }
                    }
                    let code = sqlite3_step(handle)
                    guard code == SQLITE_DONE else {
                        // Read SQLite's message before reset, which may replace it.
                        let error = failure(code == SQLITE_ROW ? SQLITE_MISUSE : code, statement: statements[position],
                                            column: nil, row: row, firstRow: firstRow)
                        sqlite3_reset(handle)
                        throw error
                    }
                    sqlite3_reset(handle)
                }
                affected &+= countsChanges ? sqlite3_changes64(statements[statements.count - 1].connection.handle) : 1
            }
        }
        return affected
    }

    @inline(__always)
    private func bind(_ bound: BoundColumn, row: Int, to handle: OpaquePointer) -> Int32 {
        let column = bound.column
        let parameter = bound.parameter
        if column.isNull(row) { return sqlite3_bind_null(handle, parameter) }
        switch bound.kind {
        case .int64:
            return sqlite3_bind_int64(handle, parameter, column.int64(row))
        case .double:
            let value = column.double(row)
            if value.isNaN { nanCount &+= 1 }
            return sqlite3_bind_double(handle, parameter, value)
        case .utf8:
            let (start, length) = column.bytes(row)
            guard let start else { return sqlite3_bind_text(handle, parameter, "", 0, etl_sqlite_transient()) }
            return sqlite3_bind_text(handle, parameter, start.assumingMemoryBound(to: CChar.self), length, etl_sqlite_static())
        case .binary:
            let (start, length) = column.bytes(row)
            guard let start else { return sqlite3_bind_zeroblob(handle, parameter, 0) }
            return sqlite3_bind_blob(handle, parameter, start, length, etl_sqlite_static())
        case .bool:
            return sqlite3_bind_int(handle, parameter, column.bool(row) ? 1 : 0)
        case .timestampMicrosecondsUTC:
            let length = CivilTime.writeTimestamp(micros: column.int64(row), into: bound.scratch)
            return bound.scratch.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(handle, parameter, $0, Int32(length), etl_sqlite_static())
            }
        case .date32:
            let length = CivilTime.writeDate(days: Int64(column.date32(row)), into: bound.scratch)
            return bound.scratch.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(handle, parameter, $0, Int32(length), etl_sqlite_static())
            }
        case .null:
            return sqlite3_bind_null(handle, parameter)
        }
    }

    private func checkKey(_ bound: UnsafeBufferPointer<BoundColumn>, row: Int, firstRow: Int64) throws(PluginError) {
        for index in keyColumns where bound[index].column.isNull(row) {
            throw .badData("target \(SQLIdentifier.quoted(target)) in \(database): row \(firstRow + Int64(row) + 1) of the load has NULL in primary key column \(SQLIdentifier.quoted(batchColumnName(index))); a keyed load cannot place it, so the load was rolled back. Fill the key in the source or filter such rows out")
        }
    }

    private func batchColumnName(_ index: Int) -> String {
        index < columnNames.count ? columnNames[index] : "column \(index + 1)"
    }

    private func failure(_ code: Int32, statement: SQLiteStatement, column: BoundColumn?, row: Int, firstRow: Int64) -> PluginError {
        let base = statement.connection.failure(code, sql: statement.sql, table: target)
        var message = base.message + "; at row \(firstRow + Int64(row) + 1) of the load"
        if let column { message += ", binding column \(SQLIdentifier.quoted(batchColumnName(Int(column.parameter) - 1)))" }
        return PluginError(base.code, message)
    }
}

/// One batch column ready for binding.
private struct BoundColumn {
    let column: ArrowColumnBuffers
    let parameter: Int32
    let kind: ArrowColumnType
    let scratch: UnsafeMutablePointer<UInt8>
}
