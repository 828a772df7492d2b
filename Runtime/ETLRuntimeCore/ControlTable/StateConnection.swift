/// What `StateDatabase` needs of a database connection: SQLite (`SQLiteConnection`) or
/// PostgreSQL (`PostgresStateConnection`). Statements are written once, in the subset both
/// understand, with `?N` placeholders; the few differences are in `StateDialect`.
protocol StateConnection: AnyObject {
    /// How messages name the database (a path, or a server without its password).
    var path: String { get }
    var dialect: StateDialect { get }
    func execute(_ sql: String) throws(StateDatabaseError)
    @discardableResult
    func query(_ sql: String, _ values: [SQLiteValue]) throws(StateDatabaseError) -> [[SQLiteValue]]
    /// Runs `body` in one transaction that excludes every other writer of the state (SQLite's
    /// write lock; in PostgreSQL a transaction-level advisory lock on the schema).
    func transaction<T>(_ body: () throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T
    /// As `transaction`, giving `body` the state clock's time (see `now`) read once the
    /// transaction excludes the other writers, for the times it writes.
    func stampedTransaction<T>(_ body: (String) throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T
    /// The state's clock, as a `Timestamp`: see `StateDatabase.now()`.
    func now() throws(StateDatabaseError) -> String
}

extension StateConnection {
    @discardableResult
    func query(_ sql: String) throws(StateDatabaseError) -> [[SQLiteValue]] { try query(sql, []) }
}

/// The SQL that differs between the two databases.
struct StateDialect: Sendable {
    /// The column that orders rows inserted at the same time (SQLite's rowid, a serial in PostgreSQL).
    var insertionOrder: String
    /// etl_runs' host column, or NULL where there is none (a SQLite state belongs to one host).
    var runHost: String

    static let sqlite = StateDialect(insertionOrder: "rowid", runHost: "NULL")
    static let postgres = StateDialect(insertionOrder: "seq", runHost: "host")
}
