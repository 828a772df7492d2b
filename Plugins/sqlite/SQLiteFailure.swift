import CSQLite
import ETLPluginKit

/// Turns a failed SQLite call into the `PluginError` the host sees: SQLite's message, the SQL
/// (never the data values: they are bound parameters), the database file and the table.
enum SQLiteFailure {
    /// The error for extended result code `code`. `cause` is what the OS says about the file
    /// (FileAccessDiagnosis), preferred to the generic hint. It comes before the SQL, which may
    /// be long: the host's message buffer keeps the head of the text.
    static func error(code: Int32, message: String, sql: String, database: String, table: String?,
                      cause: String? = nil) -> PluginError {
        var text = "SQLite error in \(database)"
        if let table { text += ", table \(SQLIdentifier.quoted(table))" }
        text += ": \(message) (\(codeName(code)))"
        if let explanation = cause ?? hint(for: code) { text += ": \(explanation);" }
        text += " while running: \(shortened(sql))"
        return PluginError(status(for: code), text)
    }

    /// Which `ETL_*` code a SQLite result code maps to.
    static func status(for code: Int32) -> PluginError.Code {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: return .retryable
        case SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_TOOBIG, SQLITE_RANGE: return .badData
        default: return .ioError
        }
    }

    /// What to do when the OS has nothing to say (a full disk always has: FileAccessDiagnosis).
    private static func hint(for code: Int32) -> String? {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "another connection holds the database lock; retry later or raise busy_timeout_ms"
        case SQLITE_READONLY:
            return "the database file or its folder is read-only for this user"
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "the file is not a healthy SQLite database; restore it from a backup"
        default:
            return nil
        }
    }

    /// "SQLITE_CONSTRAINT_NOTNULL" and friends, via sqlite3_errstr for the primary meaning.
    private static func codeName(_ code: Int32) -> String {
        let primary = String(cString: sqlite3_errstr(code & 0xFF))
        return "code \(code): \(primary)"
    }

    /// Generated SQL can be long (an upsert of 50 columns); messages keep the head of it.
    private static func shortened(_ sql: String) -> String {
        let limit = 400
        guard sql.utf8.count > limit else { return sql }
        return String(sql.prefix(limit)) + "..."
    }
}
