import CSQLite
import ETLPluginKit

/// One connection to a database file, used by one thread at a time (the plugin instance's).
///
/// Opened with `SQLITE_OPEN_NOMUTEX`: the ABI already promises one thread per instance, so
/// SQLite's own per-call mutexes would only cost time on the insert hot path. The connection
/// is closed when the last reference goes (statements hold one, so they are finalized first).
final class SQLiteConnection {
    /// The raw handle, for statements and the hot path.
    let handle: OpaquePointer
    /// The database file, for messages.
    let path: String
    /// Opened read-only (the source): failures are explained as failed reads.
    private let readOnly: Bool

    /// Opens `path`. `create` also makes a missing file (the sink); without it a missing file
    /// is an error (the source, which opens read-only).
    init(path: String, readOnly: Bool, create: Bool) throws(PluginError) {
        var flags = SQLITE_OPEN_NOMUTEX
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let systemErrno = opened.map { sqlite3_system_errno($0) } ?? 0
            sqlite3_close_v2(opened)
            let hint = FileAccessDiagnosis.explain(code: code, database: path, writing: !readOnly, systemErrno: systemErrno, pageLimit: nil)
                ?? (readOnly ? "check that the file exists and is readable" : "check that the folder exists and is writable")
            throw .ioError("cannot open SQLite database \(path): \(message); \(hint)")
        }
        handle = opened
        self.path = path
        self.readOnly = readOnly
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Sets how long a statement waits for another connection's lock before failing with
    /// SQLITE_BUSY.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Compiles one statement. `persistent` tells SQLite it will be reused many times.
    func prepare(_ sql: String, persistent: Bool = false, table: String? = nil) throws(PluginError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw failure(code, sql: sql, table: table)
        }
        return SQLiteStatement(statement, connection: self)
    }

    /// Runs SQL text that may hold several statements and returns no rows we need.
    func execute(_ sql: String, table: String? = nil) throws(PluginError) {
        var errorText: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorText)
        let message = errorText.map { String(cString: $0) }
        sqlite3_free(errorText)
        guard code == SQLITE_OK else {
            throw failure(message: message ?? currentMessage, sql: sql, table: table)
        }
    }

    /// The first column of the first row of `sql` as an integer (0 when there is no row).
    func integer(_ sql: String, table: String? = nil) throws(PluginError) -> Int64 {
        let statement = try prepare(sql, table: table)
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }

    /// The first column of the first row of `sql` as text (nil when there is no row or NULL).
    func text(_ sql: String, table: String? = nil) throws(PluginError) -> String? {
        let statement = try prepare(sql, table: table)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// True outside a transaction: after COMMIT, ROLLBACK, or an automatic rollback that some
    /// errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, SQLITE_BUSY) may trigger.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int64 { sqlite3_changes64(handle) }

    /// SQLite's message for the last failure on this connection.
    var currentMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The most parameters one statement may have (SQLITE_LIMIT_VARIABLE_NUMBER).
    var variableLimit: Int32 { sqlite3_limit(handle, SQLITE_LIMIT_VARIABLE_NUMBER, -1) }

    /// A `PluginError` for the last failure on this connection, with its message, the SQL, the
    /// file and, for a file-system failure, what the OS says about it.
    func failure(_ code: Int32, sql: String, table: String?) -> PluginError {
        failure(message: currentMessage, sql: sql, table: table)
    }

    private func failure(message: String, sql: String, table: String?) -> PluginError {
        // Read before anything else runs on the connection and replaces them.
        let code = sqlite3_extended_errcode(handle)
        let systemErrno = sqlite3_system_errno(handle)
        let pageLimit = code & 0xFF == SQLITE_FULL ? loweredPageLimit() : nil
        let cause = FileAccessDiagnosis.explain(code: code, database: path, writing: !readOnly, systemErrno: systemErrno,
                                                pageLimit: pageLimit)
        return SQLiteFailure.error(code: code, message: message, sql: sql, database: path, table: table, cause: cause)
    }

    /// `max_page_count` when someone lowered it below SQLite's default (then SQLITE_FULL may
    /// mean that limit rather than the disk); nil otherwise or when it cannot be read.
    private func loweredPageLimit() -> Int64? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "PRAGMA max_page_count", -1, &statement, nil) == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            return nil
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        let limit = sqlite3_column_int64(statement, 0)
        return limit < FileAccessDiagnosis.lowestDefaultPageLimit ? limit : nil
    }

    /// Rolls back the open transaction, if any. Used on failure paths, where the original
    /// error matters more than a failed rollback; the returned text says what went wrong.
    @discardableResult
    func rollbackIfOpen() -> String? {
        guard !isAutocommit else { return nil }
        let code = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        return code == SQLITE_OK ? nil : currentMessage
    }
}
