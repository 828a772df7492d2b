import CSQLite
import XCTest

/// A direct connection to a database file, to set up and inspect what the plugin wrote,
/// bypassing the plugin entirely.
final class TestDatabase {
    let path: String
    private let handle: OpaquePointer

    init(_ path: String) throws {
        var opened: OpaquePointer?
        guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let opened else {
            throw TestDatabaseError(message: "cannot open \(path)")
        }
        self.path = path
        handle = opened
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs statements that return nothing.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            throw TestDatabaseError(message: "\(sql): \(message.map { String(cString: $0) } ?? "code \(code)")")
        }
    }

    /// Every row of `sql`, each value as text: NULL as "NULL", blobs as x'hex'.
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw TestDatabaseError(message: "\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw TestDatabaseError(message: "\(sql): \(String(cString: sqlite3_errmsg(handle)))") }
            var row: [String] = []
            for column in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: row.append("NULL")
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    let bytes = sqlite3_column_blob(statement, column).map { UnsafeRawBufferPointer(start: $0, count: count) }
                    row.append("x'" + (bytes.map { $0.map { String(format: "%02x", $0) }.joined() } ?? "") + "'")
                default: row.append(String(cString: sqlite3_column_text(statement, column)))
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// The single value of `sql`.
    func scalar(_ sql: String) throws -> String {
        let result = try rows(sql)
        guard let value = result.first?.first else { throw TestDatabaseError(message: "\(sql) returned no row") }
        return value
    }
}

struct TestDatabaseError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
