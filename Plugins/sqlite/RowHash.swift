import CSQLite

/// A 64-bit FNV-1a hash of a row's stored values: how a read without a primary key recognises
/// the rows it already emitted at the boundary cursor value. Stable across processes and
/// versions (unlike Swift's seeded `Hasher`), since it is saved in resume states.
///
/// Only columns read straight from a table column are hashed (`storedColumns`): a query's
/// computed column may differ at every read (`datetime('now') AS loaded_at`, `random()`), and
/// hashing it made the boundary row look new on every run, so it was loaded again each time.
enum RowHash {
    /// The result columns of `statement` whose values come straight from a table column (SQLite's
    /// column metadata names their origin), always including `cursor`. When none has an origin
    /// (a query of expressions only), every column: there is nothing more stable to use.
    static func storedColumns(_ statement: OpaquePointer, count: Int32, cursor: Int32) -> [Int32] {
        let stored = (0..<count).filter { sqlite3_column_origin_name(statement, $0) != nil }
        guard !stored.isEmpty else { return Array(0..<count) }
        return stored.contains(cursor) ? stored : (stored + [cursor]).sorted()
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hashes result columns `columns` of the statement's current row: each value's storage
    /// class, its length and its bytes, so ("ab", "c") and ("a", "bc") differ.
    static func hash(_ statement: OpaquePointer, columns: [Int32]) -> UInt64 {
        var hash = offsetBasis
        for index in columns {
            let type = sqlite3_column_type(statement, index)
            mix(&hash, UInt8(truncatingIfNeeded: type))
            switch type {
            case SQLITE_INTEGER:
                mix(&hash, UInt64(bitPattern: sqlite3_column_int64(statement, index)))
            case SQLITE_FLOAT:
                mix(&hash, sqlite3_column_double(statement, index).bitPattern)
            case SQLITE_TEXT, SQLITE_BLOB:
                let pointer: UnsafeRawPointer? = type == SQLITE_TEXT
                    ? sqlite3_column_text(statement, index).map { UnsafeRawPointer($0) }
                    : sqlite3_column_blob(statement, index)
                let length = Int(sqlite3_column_bytes(statement, index))
                mix(&hash, UInt64(length))
                if let pointer {
                    for byte in UnsafeRawBufferPointer(start: pointer, count: length) { mix(&hash, byte) }
                }
            default:
                break
            }
        }
        return hash
    }

    /// Sixteen lowercase hex digits.
    static func text(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Two lowercase hex digits of `byte`, for showing blobs.
    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
    }

    /// The hash `text` wrote, or nil.
    static func parse(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        return UInt64(text, radix: 16)
    }

    @inline(__always)
    private static func mix(_ hash: inout UInt64, _ byte: UInt8) {
        hash = (hash ^ UInt64(byte)) &* prime
    }

    @inline(__always)
    private static func mix(_ hash: inout UInt64, _ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { mix(&hash, UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
}
