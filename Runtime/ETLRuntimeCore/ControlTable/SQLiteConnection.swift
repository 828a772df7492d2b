import CSQLite
import Foundation

/// An error from the state database, with the SQL and SQLite's own message.
package struct StateDatabaseError: Error, Sendable, CustomStringConvertible {
    /// What the caller can do about it.
    package enum Kind: Sendable {
        /// A statement failed (busy, disk full, ...): the database itself is fine.
        case failed
        /// The file is no state database of ours, is damaged, or is of a newer runtime:
        /// nothing may use it until the user acts (exit 78). For a state in PostgreSQL: the
        /// server refuses the credentials, or `state.password_env` is unset.
        case unusable
    }

    package var path: String
    package var sql: String?
    package var kind: Kind
    package var message: String
    /// SQLite's primary result code (SQLITE_CORRUPT, SQLITE_FULL, ...), 0 when not from SQLite.
    package var code: Int32

    package init(path: String, sql: String?, kind: Kind = .failed, message: String, code: Int32 = 0) {
        self.path = path
        self.sql = sql
        self.kind = kind
        self.message = message
        self.code = code
    }

    package var description: String {
        if let sql { return "state database \(path): \(message) (while running: \(sql))" }
        return "state database \(path): \(message)"
    }
}

/// A thin owner of one `sqlite3*` handle, for the runtime's own state database. The
/// plugins bind the same system library (never a bundled copy), so the process has one
/// SQLite and one set of POSIX locks.
final class SQLiteConnection: StateConnection {
    let path: String
    var dialect: StateDialect { .sqlite }
    private let handle: OpaquePointer

    init(path: String) throws(StateDatabaseError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { SQLiteFailureText.describeOpenFailure($0, path: path) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(db)
            throw StateDatabaseError(path: path, sql: nil, message: "cannot open: \(message)", code: status & 0xFF)
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws(StateDatabaseError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &errorMessage) == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw StateDatabaseError(path: path, sql: sql, message: message)
        }
    }

    /// Runs one statement with bound values; returns every row as text-or-integer values.
    @discardableResult
    func query(_ sql: String, _ values: [SQLiteValue]) throws(StateDatabaseError) -> [[SQLiteValue]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error(sql)
        }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let number): sqlite3_bind_int64(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, etl_sqlite_transient())
            }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(sql) }
            rows.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_NULL: return .null
                    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
                    default: return .text(String(cString: sqlite3_column_text(statement, column)))
                    }
                })
        }
        return rows
    }

    /// A file belongs to one host: its clock.
    func now() -> String { Timestamp.now() }

    /// Runs `body` in one IMMEDIATE transaction; any error rolls the whole of it back.
    func transaction<T>(_ body: () throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The file's writers take turns by its write lock; the time is this host's.
    func stampedTransaction<T>(_ body: (String) throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T {
        try transaction { () throws(StateDatabaseError) in try body(Timestamp.now()) }
    }

    private func error(_ sql: String) -> StateDatabaseError {
        StateDatabaseError(
            path: path, sql: sql, message: SQLiteFailureText.describe(handle, path: path), code: sqlite3_errcode(handle) & 0xFF)
    }
}

/// The values the state database stores.
enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)

    init(_ text: String?) { self = text.map { .text($0) } ?? .null }

    var text: String? {
        switch self {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .null: return nil
        }
    }

    var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .text(let value): return Int64(value)
        case .null: return nil
        }
    }
}
