/// The advisory locks of a shared state (entry claims, the state's run lock): their key, which
/// the server computes from a text so every host gets the same one, and who holds one.
enum AdvisoryLock {
    /// The lock key for the text bound as `?1`.
    static let keySQL = "hashtextextended(?1, 0)"

    /// Where the other sessions holding the lock of `keyText` connect from (client addresses,
    /// the server's own socket for local ones), as far as the server says; empty when it cannot.
    static func holders(of keyText: String, _ connection: PostgresStateConnection) -> [String] {
        // A bigint advisory key shows in pg_locks as its high half (classid) and low half (objid).
        let rows = try? connection.query(
            """
            SELECT DISTINCT coalesce(host(a.client_addr), 'the server''s local socket') FROM pg_locks l
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.pid <> pg_backend_pid()
              AND l.classid::bigint = ((\(keySQL) >> 32) & 4294967295) AND l.objid::bigint = (\(keySQL) & 4294967295)
            ORDER BY 1
            """, [.text(keyText)])
        return (rows ?? []).compactMap { $0.first?.text }
    }
}
