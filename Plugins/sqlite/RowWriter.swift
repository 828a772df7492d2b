import CETLPlugin
import CSQLite
import ETLArrow
import ETLPluginKit

/// Binds every row of a batch straight from the Arrow buffers into the load's prepared
/// statements and steps them: no per-row allocation, text and blobs bound in place
/// (SQLITE_STATIC: SQLite reads them during the step, while the batch is alive).
///
/// Plain inserts (replace, append) go `RowGroup.rows` rows per statement: one step of a
/// multi-row INSERT costs far less than as many single-row steps (bench/sqlite_insert_groups.c
/// measures it). A group SQLite refuses is undone whole by SQLite; its rows are then replayed
/// one by one, so the error names the exact row as before.
final class RowWriter {
    /// A multi-row INSERT: `rows` rows of the batch's columns, parameters in row order.
    struct RowGroup {
        let statement: SQLiteStatement
        let rows: Int
    }

    /// A load with a delete flag column (ETL_CAP_DELETES): rows flagged true run `statement`
    /// (merge: DELETE of the key; scd2: closing its current version) instead of the load's.
    struct Deletes {
        /// The flag's batch column: the last, after the columns the statements bind.
        let flagColumn: Int
        let statement: SQLiteStatement
    }

    /// The statements run for each row, in order (one, or two for scd2).
    private let statements: [SQLiteStatement]
    private let deletes: Deletes?
    /// The grouped insert, for loads whose one statement is a plain INSERT.
    private let group: RowGroup?
    /// Whether the last statement's changes count the rows (merge: a conflict that does nothing
    /// counts 0; scd2: only new versions count).
    private let countsChanges: Bool
    /// Batch columns whose NULLs must be refused (the key of merge and scd2).
    private let keyColumns: Set<Int>
    /// The batch column that dates scd2 versions (valid_from_column), whose NULLs are refused.
    private let validFromColumn: Int?
    /// The load's timestamp for scd2's ?n+1, bound before each batch.
    private let loadTime: String?
    /// 32 bytes per column and group row for timestamp and date text, reused group after group.
    private let scratch: UnsafeMutablePointer<UInt8>
    private let columnCount: Int
    private let columnNames: [String]
    private let target: String
    private let database: String

    /// Doubles that were NaN, which SQLite stores as NULL (reported once at commit).
    private(set) var nanCount: Int64 = 0
    /// The decimal `bind` refused (SQLITE_RANGE), which `failure` names.
    private var inexactDecimal: ArrowDecimal?

    init(statements: [SQLiteStatement], group: RowGroup?, countsChanges: Bool, deletes: Deletes? = nil, keyColumns: Set<Int>,
         validFromColumn: Int? = nil,
         loadTime: String?,
         columnNames: [String], target: String, database: String) {
        self.statements = statements
        self.deletes = deletes
        self.group = group
        self.countsChanges = countsChanges
        self.keyColumns = keyColumns
        self.validFromColumn = validFromColumn
        self.loadTime = loadTime
        self.columnCount = columnNames.count
        self.columnNames = columnNames
        self.target = target
        self.database = database
        scratch = .allocate(capacity: max(columnNames.count, 1) * max(group?.rows ?? 1, 1) * ArrowTimestampText.maximumTimestampLength)
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
            deletes?.statement.clearBindings()
            group?.statement.clearBindings()
            array.release?(&array)
        }
        var columns: [BoundColumn] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            let type = batch.schema.fields[index].type
            columns.append(BoundColumn(column: ArrowColumnBuffers(batch: array, index: index, type: type),
                                       parameter: Int32(index + 1), kind: type))
        }
        if let loadTime {
            for statement in statements { statement.bind(text: loadTime, at: Int32(columnCount + 1)) }
            deletes?.statement.bind(text: loadTime, at: Int32(columnCount + 1))
        }
        // A row flagged true is a delete; false and null rows load (the flag is never bound).
        let flags = deletes.map { ArrowColumnBuffers(batch: array, index: $0.flagColumn, type: .bool) }
        var affected: Int64 = 0
        try columns.withUnsafeBufferPointer { (bound) throws(PluginError) in
            var row = 0
            if let group {
                while rowCount - row >= group.rows {
                    affected &+= try writeGroup(group, bound, from: row, firstRow: firstRow)
                    row += group.rows
                }
            }
            while row < rowCount {
                if let flags, let deletes, !flags.isNull(row), flags.bool(row) {
                    affected &+= try writeRow(bound, row: row, firstRow: firstRow, statements: [deletes.statement])
                } else {
                    affected &+= try writeRow(bound, row: row, firstRow: firstRow)
                }
                row += 1
            }
        }
        return affected
    }

    /// Runs every statement of the load (or `statements`: a delete's) for one row; returns the
    /// rows the target gained, or changed when the last statement's changes count.
    private func writeRow(_ bound: UnsafeBufferPointer<BoundColumn>, row: Int, firstRow: Int64,
                          statements: [SQLiteStatement]? = nil) throws(PluginError) -> Int64 {
        let statements = statements ?? self.statements
        if !keyColumns.isEmpty { try checkKey(bound, row: row, firstRow: firstRow) }
        if let validFromColumn, bound[validFromColumn].column.isNull(row) {
            throw .badData("target \(SQLIdentifier.quoted(target)) in \(database): row \(firstRow + Int64(row) + 1) of the load has NULL in valid_from_column \(SQLIdentifier.quoted(batchColumnName(validFromColumn))), so its version would have no start; the load was rolled back. Fill the column in the source or filter such rows out")
        }
        for statement in statements {
            let handle = statement.handle
            for column in bound {
                let code = bind(column, row: row, to: handle, parameter: column.parameter, scratch: scratch(column, slot: 0))
                if code != SQLITE_OK {
                    throw failure(code, statement: statement, column: column, row: row, firstRow: firstRow)
                }
            }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else {
                // Read SQLite's message before reset, which may replace it.
                let error = failure(code == SQLITE_ROW ? SQLITE_MISUSE : code, statement: statement,
                                    column: nil, row: row, firstRow: firstRow)
                sqlite3_reset(handle)
                throw error
            }
            sqlite3_reset(handle)
        }
        return countsChanges ? sqlite3_changes64(statements[statements.count - 1].connection.handle) : 1
    }

    /// Inserts rows `first ..< first + group.rows` with one step of the grouped INSERT.
    private func writeGroup(_ group: RowGroup, _ bound: UnsafeBufferPointer<BoundColumn>, from first: Int,
                            firstRow: Int64) throws(PluginError) -> Int64 {
        let handle = group.statement.handle
        for slot in 0..<group.rows {
            let offset = Int32(slot * columnCount)
            for column in bound {
                let code = bind(column, row: first + slot, to: handle, parameter: column.parameter + offset,
                                scratch: scratch(column, slot: slot))
                if code != SQLITE_OK {
                    throw failure(code, statement: group.statement, column: column, row: first + slot, firstRow: firstRow)
                }
            }
        }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE {
            sqlite3_reset(handle)
            return Int64(group.rows)
        }
        let error = failure(code == SQLITE_ROW ? SQLITE_MISUSE : code, statement: group.statement, column: nil,
                            rows: first..<first + group.rows, firstRow: firstRow)
        sqlite3_reset(handle)
        // SQLite undid the whole statement. While the load's transaction is still open, the
        // rows replayed one by one name the one that fails; if SQLite rolled the transaction
        // back (a full disk, an I/O error), nothing may run outside it: report the group.
        guard sqlite3_get_autocommit(group.statement.connection.handle) == 0 else { throw error }
        var affected: Int64 = 0
        for row in first..<first + group.rows { affected &+= try writeRow(bound, row: row, firstRow: firstRow) }
        return affected
    }

    /// Where the text of a timestamp or date column of group row `slot` is formatted.
    @inline(__always)
    private func scratch(_ column: BoundColumn, slot: Int) -> UnsafeMutablePointer<UInt8> {
        scratch + (slot * columnCount + Int(column.parameter) - 1) * ArrowTimestampText.maximumTimestampLength
    }

    @inline(__always)
    private func bind(_ bound: BoundColumn, row: Int, to handle: OpaquePointer, parameter: Int32,
                      scratch: UnsafeMutablePointer<UInt8>) -> Int32 {
        let column = bound.column
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
            let length = ArrowTimestampText.writeTimestamp(micros: column.int64(row), into: scratch)
            return scratch.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(handle, parameter, $0, Int32(length), etl_sqlite_static())
            }
        case .date32:
            let length = ArrowTimestampText.writeDate(days: Int64(column.date32(row)), into: scratch)
            return scratch.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(handle, parameter, $0, Int32(length), etl_sqlite_static())
            }
        case .null:
            return sqlite3_bind_null(handle, parameter)
        case .decimal128:
            let value = column.decimal128(row)
            switch SQLiteDecimalStorage.storage(of: value) {
            case .integer(let integer): return sqlite3_bind_int64(handle, parameter, integer)
            case .real(let double): return sqlite3_bind_double(handle, parameter, double)
            case .inexact:
                inexactDecimal = value
                return SQLITE_RANGE
            }
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
        failure(code, statement: statement, column: column, rows: row..<row + 1, firstRow: firstRow)
    }

    private func failure(_ code: Int32, statement: SQLiteStatement, column: BoundColumn?, rows: Range<Int>,
                         firstRow: Int64) -> PluginError {
        if let value = inexactDecimal, let column {
            inexactDecimal = nil
            return .badData(SQLiteDecimalStorage.inexactMessage(
                value, column: batchColumnName(Int(column.parameter) - 1), row: firstRow + Int64(rows.lowerBound) + 1,
                target: target, database: database))
        }
        let base = statement.connection.failure(code, sql: statement.sql, table: target)
        let first = firstRow + Int64(rows.lowerBound) + 1
        var message = base.message + (rows.count == 1 ? "; at row \(first) of the load"
            : "; in rows \(first)-\(first + Int64(rows.count) - 1) of the load")
        if let column { message += ", binding column \(SQLIdentifier.quoted(batchColumnName(Int(column.parameter) - 1)))" }
        return PluginError(base.code, message)
    }
}

/// One batch column ready for binding.
private struct BoundColumn {
    let column: ArrowColumnBuffers
    /// The column's parameter in the single-row statements (group rows add row × columns).
    let parameter: Int32
    let kind: ArrowColumnType
}
