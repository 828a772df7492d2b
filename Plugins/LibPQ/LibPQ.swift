import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// What every libpq user here (the postgres plugin, the PostgreSQL state, `serve`'s table viewer)
/// does the same way: open a connection from keyword/value pairs and keep the password out of
/// the messages it shows.
public enum LibPQ {
    /// Opens a connection with `PQconnectdbParams` and `expand_dbname = 1`: a `postgresql://`
    /// URL given as `dbname` is taken apart, and keywords after it override its parts.
    /// - Returns: the connection, owned by the caller (`PQfinish` it, also when its `PQstatus`
    ///   is not `CONNECTION_OK`); nil only when libpq cannot allocate one. Blocks until the
    ///   server answers or the connect timeout passes; any thread, one connection per thread.
    public static func connect(_ keywords: [(String, String)]) -> OpaquePointer? {
        let keys = keywords.map { strdup($0.0) } + [nil]
        let values = keywords.map { strdup($0.1) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        return keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { keyBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keyBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
    }

    /// `text` with every occurrence of `password` replaced by `***` (libpq may quote the
    /// connection string, and a server may echo a value, in its messages).
    public static func scrub(_ text: String, password: String?) -> String {
        guard let password, !password.isEmpty else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: password) {
            out += rest[..<range.lowerBound]
            out += "***"
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// `text` on one line (libpq's messages end with a newline and may hold DETAIL lines), the
    /// password scrubbed.
    public static func oneLine(_ text: String, scrubbing password: String?) -> String {
        let flat = text.split(whereSeparator: \.isNewline)
            .map { $0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed() }
            .map { String($0) }.filter { !$0.isEmpty }.joined(separator: " ")
        return scrub(flat, password: password)
    }
}
