import CSQLite
import Foundation
import XCTest

/// A SQLite database file the tests inspect with the sqlite3 library itself (not through ADBC).
struct SQLiteFile {
    let path: String

    /// Each row of `sql`, every value rendered with its storage class: `integer:1`, `real:1.5`,
    /// `text:abc`, `blob:0001` (hex), nil for NULL.
    func rows(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String?]] {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            defer { sqlite3_close(handle) }
            throw Failure(description: "cannot open \(path): \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String?]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: return nil
                case SQLITE_INTEGER: return "integer:\(sqlite3_column_int64(statement, column))"
                case SQLITE_FLOAT: return "real:\(sqlite3_column_double(statement, column))"
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    let bytes = sqlite3_column_blob(statement, column).map { UnsafeRawBufferPointer(start: $0, count: count) }
                    return "blob:" + (bytes.map { $0.map { String(format: "%02x", $0) }.joined() } ?? "")
                default: return "text:" + String(cString: sqlite3_column_text(statement, column))
                }
            })
        }
        return rows
    }

    /// Executes `sql` on its own connection (set-up of a test).
    func execute(_ sql: String) throws {
        var handle: OpaquePointer?
        defer { sqlite3_close(handle) }
        guard sqlite3_open(path, &handle) == SQLITE_OK, sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
