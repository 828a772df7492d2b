/// A lock on a shared (PostgreSQL) state itself: every `run` holds it shared while the command
/// lives, and `state rebuild` takes it alone. The entries' claims (`EntryClaim`) keep two hosts
/// off one entry, but a rebuild must also keep off a host running an older or newer manifest,
/// whose entries it cannot name; this lock is the state's, whatever the manifest.
///
/// A session advisory lock, like the claims: a host that dies frees it with its connection. The
/// connection is the run's own state connection too (`ManifestContext.openStateForRun`), which
/// lives as long as the command: one connection for both, not two.
package final class StateRunLock {
    /// Not the key of the state's transaction lock (`PostgresStateConnection.transaction`),
    /// which a run takes exclusively, briefly, while it holds this one shared.
    static func keyText(schema: String) -> String {
        "etl-runtime runs of state \(schema)"
    }

    /// How long a run waits for a rebuild under way before it gives up: a rebuild holds the lock
    /// for one transaction, seconds at most.
    static let rebuildWait = "60s"

    /// Where the lock is held; the run's state is read and written on it too.
    let connection: PostgresStateConnection

    private init(connection: PostgresStateConnection) {
        self.connection = connection
    }

    /// A rebuild held the state for longer than a run waits.
    package struct RebuildUnderWay: Error, Sendable, CustomStringConvertible {
        package var state: String
        package var description: String {
            "a `state rebuild` of \(state) has held it for over \(StateRunLock.rebuildWait); run again once it has ended"
        }
    }

    /// The lock, shared with every other run; waits while a rebuild holds it.
    /// - Throws: `RebuildUnderWay` after the wait; the state's errors for the connection.
    package static func holdForRun(_ server: PostgresStateServer) throws -> StateRunLock {
        let connection = try PostgresStateConnection(server)
        let key: [SQLiteValue] = [.text(keyText(schema: server.schema))]
        // Nearly always free of a rebuild: taken at once, with no timeout to set and reset.
        if try connection.query("SELECT pg_try_advisory_lock_shared(\(AdvisoryLock.keySQL))", key).first?.first?.text != "t" {
            try connection.execute("SET lock_timeout = '\(rebuildWait)'")
            do {
                _ = try connection.query("SELECT pg_advisory_lock_shared(\(AdvisoryLock.keySQL))", key)
            } catch {
                guard error.message.contains("lock timeout") else { throw error }
                throw RebuildUnderWay(state: server.description)
            }
            // The run's state statements on this connection wait as long as they need to.
            try connection.execute("RESET lock_timeout")
        }
        return StateRunLock(connection: connection)
    }

    /// Takes the lock alone on `connection` (the rebuild's), without waiting; false when runs
    /// hold it.
    static func takeForRebuild(_ connection: PostgresStateConnection) throws(StateDatabaseError) -> Bool {
        try connection.query("SELECT pg_try_advisory_lock(\(AdvisoryLock.keySQL))", [.text(keyText(schema: connection.server.schema))])
            .first?.first?.text == "t"
    }

    /// Where the runs holding the lock come from, as far as the server says.
    static func holders(_ connection: PostgresStateConnection) -> [String] {
        AdvisoryLock.holders(of: keyText(schema: connection.server.schema), connection)
    }

    /// Marks where the lock may end: it goes with the connection, when this is freed after this
    /// last use (or when the process dies).
    package func release() {
        withExtendedLifetime(connection) {}
    }
}
