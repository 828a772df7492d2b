import CSQLite
import ETLPluginKit

/// One compiled statement: binding, stepping and reading columns. Finalized on deinit; keeps
/// its connection alive so the connection is never closed under it.
final class SQLiteStatement {
    /// The raw handle, for the insert hot path.
    let handle: OpaquePointer
    /// The connection the statement belongs to.
    let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The statement's SQL text, for messages.
    var sql: String { sqlite3_sql(handle).map { String(cString: $0) } ?? "" }

    /// Runs to the next row: true when a row is ready, false when the statement is done.
    func step(table: String? = nil) throws(PluginError) -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw connection.failure(code, sql: sql, table: table)
    }

    /// Runs a statement that returns no rows (an INSERT, UPDATE, DDL) and resets it.
    func run(table: String? = nil) throws(PluginError) {
        defer { sqlite3_reset(handle) }
        _ = try step(table: table)
    }

    /// Makes the statement ready to run again; bindings are kept.
    func reset() {
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL, so no binding points at memory about to be freed.
    func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// Binds a value to parameter `index` (1-based); SQLite copies text and blobs.
    func bind(_ value: SQLValue?, at index: Int32) {
        switch value {
        case nil: sqlite3_bind_null(handle, index)
        case .integer(let number): sqlite3_bind_int64(handle, index, number)
        case .real(let number): sqlite3_bind_double(handle, index, number)
        case .text(let text): sqlite3_bind_text(handle, index, text, -1, etl_sqlite_transient())
        }
    }

    /// Binds text (copied) to parameter `index` (1-based).
    func bind(text: String, at index: Int32) {
        sqlite3_bind_text(handle, index, text, -1, etl_sqlite_transient())
    }

    /// Binds an integer to parameter `index` (1-based).
    func bind(int64: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, int64)
    }

    /// Binds a double to parameter `index` (1-based).
    func bind(double: Double, at index: Int32) {
        sqlite3_bind_double(handle, index, double)
    }

    /// Number of result columns.
    var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The storage class of column `index` in the current row (SQLITE_INTEGER, ...).
    func type(_ index: Int32) -> Int32 { sqlite3_column_type(handle, index) }

    /// Column `index` of the current row as an integer.
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` of the current row as a double.
    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Column `index` of the current row as text, or nil when NULL.
    func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: bytes)
    }

    /// Column `index` of the current row as a value, nil for NULL (blobs are refused by callers
    /// that need a `SQLValue`, so they come back as nil too).
    func value(_ index: Int32) -> SQLValue? {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return text(index).map(SQLValue.text)
        default: return nil
        }
    }

    /// The name of result column `index`.
    func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// The declared type of result column `index` when it is a plain table column, else nil.
    func declaredType(_ index: Int32) -> String? {
        sqlite3_column_decltype(handle, index).map { String(cString: $0) }
    }
}
