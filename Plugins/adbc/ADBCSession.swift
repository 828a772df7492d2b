import CADBC
import ETLPluginKit

/// An open ADBC database and one connection to it, through a loaded driver's function table.
/// Released in the spec's order (statements hold the session, so they go first).
final class ADBCSession {
    let driver: ADBCDriverLibrary
    let settings: ADBCDriverSettings
    /// Allocated once: drivers keep their state behind these structs' private_data.
    let database: UnsafeMutablePointer<AdbcDatabase>
    let connection: UnsafeMutablePointer<AdbcConnection>
    private var databaseOpen = false
    private var connectionOpen = false

    var scrubber: SecretScrubber { settings.scrubber }
    var table: AdbcDriver { driver.table.pointee }

    init(_ settings: ADBCDriverSettings) throws(PluginError) {
        self.settings = settings
        driver = try ADBCDriverLibrary(location: settings.location, entrypoint: settings.entrypoint, scrubber: settings.scrubber)
        // Allocated only once the driver loaded: a half-made object gets no deinit.
        database = .allocate(capacity: 1)
        database.initialize(to: AdbcDatabase())
        connection = .allocate(capacity: 1)
        connection.initialize(to: AdbcConnection())
        let table = driver.table.pointee
        let name = driver.description
        let database = self.database
        let connection = self.connection
        try call("creating a database with the driver \(name)", table.DatabaseNew) { $0(database, $1) }
        databaseOpen = true
        for (key, value) in settings.databaseOptions {
            let path = settings.optionPaths[key] ?? "options.\(key)"
            try call("\(path): setting the database option \(key)", table.DatabaseSetOption) { $0(database, key, value, $1) }
        }
        try call("opening the database with the driver \(name)", table.DatabaseInit) { $0(database, $1) }
        try call("creating a connection with the driver \(name)", table.ConnectionNew) { $0(connection, $1) }
        connectionOpen = true
        for (key, value) in settings.connectionOptions {
            try call("\(settings.configPath).connection_options.\(key): setting the connection option \(key)", table.ConnectionSetOption) {
                $0(connection, key, value, $1)
            }
        }
        try call("connecting with the driver \(name)", table.ConnectionInit) { $0(connection, database, $1) }
        // Still in autocommit: each setting commits, so a later rollback cannot undo it.
        for (index, sql) in settings.connectionSQL.enumerated() {
            let statement = try ADBCStatement(self)
            try statement.setSQL(sql)
            _ = try statement.executeUpdate("\(settings.configPath).connection_sql[\(index)]: running \(ADBCStatement.excerpt(sql))")
        }
        // Statement options are the driver's to accept: a statement made now refuses a wrong one
        // at validate time rather than at the first load.
        if !settings.statementOptions.isEmpty { _ = try ADBCStatement(self) }
    }

    deinit {
        var error = AdbcError()
        if connectionOpen, let release = table.ConnectionRelease { _ = release(connection, &error) }
        error.release?(&error)
        error = AdbcError()
        if databaseOpen, let release = table.DatabaseRelease { _ = release(database, &error) }
        error.release?(&error)
        connection.deallocate()
        database.deallocate()
    }

    /// Turns autocommit off so statements run in a transaction until commit or rollback.
    /// - Returns: false when the driver has no transactions (it refuses the option as not
    ///   implemented); other failures throw.
    func disableAutocommit() throws(PluginError) -> Bool {
        let connection = self.connection
        do throws(PluginError) {
            try call("turning autocommit off", table.ConnectionSetOption) {
                $0(connection, ADBC_CONNECTION_OPTION_AUTOCOMMIT, ADBC_OPTION_VALUE_DISABLED, $1)
            }
            return true
        } catch where error.code == .unsupported || error.code == .invalidConfig {
            return false
        }
    }

    func commit() throws(PluginError) {
        let connection = self.connection
        try call("committing the transaction", table.ConnectionCommit) { $0(connection, $1) }
    }

    /// Rolls back; returns the driver's message when that failed (the caller is already failing).
    @discardableResult
    func rollback() -> String? {
        let connection = self.connection
        do throws(PluginError) {
            try call("rolling back the transaction", table.ConnectionRollback) { $0(connection, $1) }
            return nil
        } catch {
            return error.message
        }
    }

    /// Runs one SQL statement that returns no rows (DDL, DML).
    func execute(_ sql: String) throws(PluginError) {
        let statement = try ADBCStatement(self)
        try statement.setSQL(sql)
        _ = try statement.executeUpdate()
    }

    /// Calls `function` (nil when the driver left that slot of its table empty, which counts as
    /// not implemented) with an error struct, throwing a scrubbed PluginError on failure.
    func call<F>(_ operation: String, _ function: F?,
                 _ body: (F, UnsafeMutablePointer<AdbcError>) -> AdbcStatusCode) throws(PluginError) {
        guard let function else {
            throw .unsupported("\(operation) failed: the driver \(driver.description) does not implement that ADBC function (its table entry is empty)")
        }
        var error = AdbcError()
        let status = body(function, &error)
        defer { error.release?(&error) }
        guard status != AdbcStatusCode(ADBC_STATUS_OK) else { return }
        throw ADBCCall.failure(operation, status: status, error: error, scrubber: scrubber)
    }
}
