import CSQLite
import Foundation

/// SQLite's message for the last failure of a connection, with what the operating system
/// said and what to do. SQLite alone says "disk I/O error" for a full disk and "unable to
/// open database file" for a read-only folder, which tells a user at 3 a.m. nothing.
enum SQLiteFailureText {
    static func describe(_ handle: OpaquePointer, path: String, systemError known: Int32? = nil) -> String {
        let message = String(cString: sqlite3_errmsg(handle))
        let systemError = known ?? sqlite3_system_errno(handle)
        let primary = sqlite3_extended_errcode(handle) & 0xFF
        guard systemError != 0, primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL
            || primary == SQLITE_READONLY || primary == SQLITE_PERM
        else { return message }
        let osText = "errno \(systemError) (\(String(cString: strerror(systemError))))"
        return "\(message): the operating system said \(osText). \(advice(systemError, path: path))"
    }

    /// As `describe`, for a failed open. SQLite retries a failed read-write open read-only, so
    /// its last errno is often the retry's ENOENT, not why the file could not be created: ask the
    /// file system directly.
    static func describeOpenFailure(_ handle: OpaquePointer, path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let exists = access(path, F_OK) == 0
        let writable = exists ? access(path, R_OK | W_OK) : access(folder.isEmpty ? "." : folder, W_OK)
        return describe(handle, path: path, systemError: writable == 0 ? nil : errno)
    }

    /// What to do about `systemError` for the database at `path` (SQLite also writes a
    /// journal beside it, so the folder matters as much as the file).
    static func advice(_ systemError: Int32, path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        switch systemError {
        case ENOSPC, EDQUOT:
            return "The disk holding \(folder) is full: free space there, then run again (what was not committed will be redone)"
        case EACCES, EPERM:
            return "This user may not write \(path) or its folder \(folder) (SQLite keeps a journal beside the file): "
                + "fix the permissions, or point the path elsewhere"
        case EROFS:
            return "\(folder) is on a read-only file system: mount it read-write, or point the path elsewhere"
        case ENOENT, ENOTDIR:
            return "The folder \(folder) does not exist or is not a folder: create it, or fix the path"
        default:
            return "Check the disk and the file \(path)"
        }
    }
}
