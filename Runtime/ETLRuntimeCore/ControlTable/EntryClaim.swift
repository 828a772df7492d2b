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

    /// Marks where the claim may end: the lock goes with the connection, when the claim is freed
    /// after this last use (or when the process dies).
    package func release() {
        withExtendedLifetime(connection) {}
    }
}
