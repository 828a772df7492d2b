/// An entry's claim in a shared (PostgreSQL) state: a session-level advisory lock keyed by the
/// state schema and the entry id, on a connection of its own that lives as long as the entry's
/// run. Exactly one host runs an entry at a time; a host that dies (or whose run is SIGKILLed)
/// loses its connection and with it the claim, so the next host's round picks the entry up, and
/// `StateDatabase.markAbandonedRuns` knows its 'running' row is dead.
///
/// Held by the `run` process (not its worker): the worker dies with the run, and the claim with
/// the run's process, so the claim never outlives the work.
package final class EntryClaim {
    /// The lock key for a `keyText`, computed by the server (same key on every host).
    static let keySQL = AdvisoryLock.keySQL

    static func keyText(schema: String, entryID: String) -> String {
        "etl-runtime entry \(schema)/\(entryID)"
    }

    /// Where the claim is held; the run process records the entry's run on it too (`openState`).
    private let connection: PostgresStateConnection

    /// Takes the claim for `entryID` without waiting; nil when another session holds it.
    package static func take(_ server: PostgresStateServer, entryID: String) throws -> EntryClaim? {
        let connection = try PostgresStateConnection(server)
        let rows = try connection.query(
            "SELECT pg_try_advisory_lock(\(keySQL))", [.text(keyText(schema: server.schema, entryID: entryID))])
        guard rows.first?.first?.text == "t" else { return nil }
        return EntryClaim(connection: connection)
    }

    private init(connection: PostgresStateConnection) {
        self.connection = connection
    }

    /// The state, on the claim's connection: what the run process reads and writes of the
    /// entry's run while it holds the claim needs no connection of its own. For the thread that
    /// took the claim (a connection serves one thread at a time).
    package func openState(_ location: StateLocation) throws -> StateDatabase {
        try StateDatabase(location: location, pagesChecked: true, over: connection)
    }

    /// Marks where the claim may end: the lock goes with the connection, when the claim is freed
    /// after this last use (or when the process dies).
    package func release() {
        withExtendedLifetime(connection) {}
    }
}
