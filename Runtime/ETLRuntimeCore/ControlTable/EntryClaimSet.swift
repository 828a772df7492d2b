/// The claims (see `EntryClaim`) of many entries at once, for `state rebuild` of a shared state:
/// while it holds them no host runs any of the entries, and with them the state's run lock
/// (`StateRunLock`), so no run of any manifest writes the state being rebuilt.
/// All on one connection — session advisory locks stack in a session — rather than one
/// connection per entry, which a large manifest would spend the server's connections on.
package final class EntryClaimSet {
    /// Entries another session holds, or runs under way from the state (of whatever manifest):
    /// nothing was taken.
    package struct Held: Error, Sendable, CustomStringConvertible {
        /// Each held entry with who holds it, as far as the server says.
        package var entries: [(entryID: String, holder: String)]
        /// Where runs holding the state's run lock come from (`StateRunLock`), when that was held.
        package var runsFrom: [String] = []

        package var description: String {
            guard !entries.isEmpty else {
                let from = runsFrom.isEmpty ? "" : " (from \(runsFrom.joined(separator: ", ")))"
                return "runs are under way from this state\(from), perhaps of another version of the manifest"
            }
            let list = entries.map { "\($0.entryID) (held by \($0.holder))" }.joined(separator: ", ")
            return "\(entries.count == 1 ? "entry" : "entries") \(list) \(entries.count == 1 ? "is" : "are") being run "
                + "by another host (its claim in the shared state is held)"
        }
    }

    private let connection: PostgresStateConnection

    /// Takes the claims of `entryIDs` without waiting, or none of them.
    /// - Throws: `Held` naming every entry whose claim another session holds.
    package static func takeAll(_ server: PostgresStateServer, entryIDs: [String]) throws -> EntryClaimSet {
        let connection = try PostgresStateConnection(server)
        var held: [String] = []
        for entryID in entryIDs {
            let rows = try connection.query(
                "SELECT pg_try_advisory_lock(\(EntryClaim.keySQL))", [.text(EntryClaim.keyText(schema: server.schema, entryID: entryID))])
            if rows.first?.first?.text != "t" { held.append(entryID) }
        }
        guard held.isEmpty else {
            let named = held.map { ($0, holder(of: $0, connection)) }
            try connection.execute("SELECT pg_advisory_unlock_all()")
            throw Held(entries: named)
        }
        // Then the state's own lock: runs of entries this manifest does not name hold it too.
        guard try StateRunLock.takeForRebuild(connection) else {
            let from = StateRunLock.holders(connection)
            try connection.execute("SELECT pg_advisory_unlock_all()")
            throw Held(entries: [], runsFrom: from)
        }
        return EntryClaimSet(connection: connection)
    }

    private init(connection: PostgresStateConnection) {
        self.connection = connection
    }

    /// Marks where the claims may end: they go with the connection (see `EntryClaim.release`).
    package func release() {
        withExtendedLifetime(connection) {}
    }

    /// The host of the entry's run under way (the state records it, if it is still readable),
    /// else the address of the session holding the claim.
    private static func holder(of entryID: String, _ connection: PostgresStateConnection) -> String {
        if let host = try? connection.query(
            "SELECT host FROM etl_runs WHERE entry_id = ?1 AND status = 'running' AND host IS NOT NULL ORDER BY started_at DESC LIMIT 1",
            [.text(entryID)]).first?.first?.text {
            return "host \(host)"
        }
        if let address = AdvisoryLock.holders(of: EntryClaim.keyText(schema: connection.server.schema, entryID: entryID), connection).first {
            return "a session from \(address)"
        }
        return "another session"
    }
}
