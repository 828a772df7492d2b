import CSQLite
import ETLPluginKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the OS refused a database file, in one sentence: which file or folder, what the OS said
/// (`errno 13 (Permission denied)`) and what to do.
///
/// The OS is asked again rather than trusting `sqlite3_system_errno()` alone: when SQLite cannot
/// open a file read-write it retries read-only and keeps that retry's errno (ENOENT for a file
/// it meant to create), and a full disk (SQLITE_FULL) keeps no errno at all.
enum FileAccessDiagnosis {
    /// SQLite's default page limit (SQLITE_MAX_PAGE_COUNT) is at least this; a smaller
    /// `max_page_count` was lowered on purpose, and may be what is full instead of the disk.
    static let lowestDefaultPageLimit: Int64 = 1_073_741_823

    /// What the OS said, as `errno 28 (No space left on device)`.
    static func describe(errno code: Int32) -> String {
        "errno \(code) (\(String(cString: strerror(code))))"
    }

    /// The folder holding `path` ("." for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The explanation for SQLite result `code` on `database`, or nil when it is not about the
    /// file system or the OS reports nothing wrong. `writing`: the sink's connection (which must
    /// create journal and WAL files beside the database) rather than the source's.
    /// `pageLimit`: the connection's `max_page_count` when lowered below SQLite's default.
    static func explain(code: Int32, database: String, writing: Bool, systemErrno: Int32, pageLimit: Int64?) -> String? {
        let primary = code & 0xFF
        guard [SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_PERM].contains(primary) else { return nil }
        let folder = folder(of: database)
        if primary == SQLITE_FULL {
            if let pageLimit {
                return "the database reached its max_page_count of \(pageLimit) pages (lowered with PRAGMA max_page_count): raise it, then rerun\(nothingCommitted(writing))"
            }
            return diskFull(folder, ENOSPC, writing: writing)
        }
        if let refusal = writing ? refusedWrite(database, folder: folder) : refusedRead(database, folder: folder, code: code) {
            return refusal
        }
        guard systemErrno != 0, primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR else { return nil }
        switch systemErrno {
        case ENOSPC, EDQUOT: return diskFull(folder, systemErrno, writing: writing)
        case EIO: return "the disk holding \(folder) reported an I/O error: \(describe(errno: EIO)); check the disk (dmesg), then rerun\(nothingCommitted(writing))"
        default: return "the OS said \(describe(errno: systemErrno)) for \(database) or a file beside it"
        }
    }

    /// The sink needs the folder (for the journal or WAL and -shm files) and every existing
    /// file of the database writable.
    private static func refusedWrite(_ database: String, folder: String) -> String? {
        if access(folder, F_OK) != 0 {
            return "the folder \(folder) does not exist: \(describe(errno: errno)); create it or point \"path\" elsewhere"
        }
        if access(folder, W_OK | X_OK) != 0 {
            let answer = errno
            return "the folder \(folder) is not writable\(answer == EROFS ? "" : " by this user"): \(describe(errno: answer)); SQLite writes its journal (or WAL) beside the database, so the folder must be writable: \(remedy(answer)), or point \"path\" elsewhere"
        }
        for file in [database, database + "-wal", database + "-shm", database + "-journal"] where access(file, F_OK) == 0 {
            if access(file, W_OK) != 0 {
                let answer = errno
                return "the file \(file) is not writable by this user: \(describe(errno: answer)); \(remedy(answer)), or point \"path\" elsewhere"
            }
        }
        return nil
    }

    /// The source needs the file readable, and for a WAL database either its -shm file or a
    /// writable folder to create it in, even to read.
    private static func refusedRead(_ database: String, folder: String, code: Int32) -> String? {
        if access(database, R_OK) != 0 {
            let answer = errno
            if answer == ENOENT {
                return "the file \(database) does not exist: \(describe(errno: answer)); check \"path\""
            }
            return "the file \(database) is not readable by this user: \(describe(errno: answer)); \(remedy(answer)), or point \"path\" elsewhere"
        }
        guard code & 0xFF == SQLITE_CANTOPEN || code & 0xFF == SQLITE_READONLY,
              access(database + "-shm", F_OK) != 0, access(folder, W_OK | X_OK) != 0 else { return nil }
        let answer = errno
        return "the folder \(folder) is not writable\(answer == EROFS ? "" : " by this user"): \(describe(errno: answer)); to read a database in WAL mode SQLite creates its -shm file beside it: make the folder writable, or have the database's writer switch it to journal_mode delete"
    }

    private static func diskFull(_ folder: String, _ answer: Int32, writing: Bool) -> String {
        let whose = answer == EDQUOT ? "this user's disk quota on the disk holding \(folder) is used up" : "the disk holding \(folder) is full"
        return "\(whose): \(describe(errno: answer)); free space, then rerun\(nothingCommitted(writing))"
    }

    private static func remedy(_ answer: Int32) -> String {
        switch answer {
        case EROFS: return "remount it read-write"
        case EPERM: return "fix its permissions or attributes (lsattr shows an immutable one)"
        default: return "fix its permissions"
        }
    }

    private static func nothingCommitted(_ writing: Bool) -> String {
        writing ? " — nothing of this load was committed" : ""
    }
}
