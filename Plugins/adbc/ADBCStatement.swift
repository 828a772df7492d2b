import CADBC
import ETLPluginKit

/// One ADBC statement on a session, with the config's `statement_options` already set.
final class ADBCStatement {
    let session: ADBCSession
    var scrubberForMessages: SecretScrubber { session.scrubber }
    let statement = UnsafeMutablePointer<AdbcStatement>.allocate(capacity: 1)
    private var open = false

    init(_ session: ADBCSession) throws(PluginError) {
        self.session = session
        statement.initialize(to: AdbcStatement())
        let statement = self.statement
        let connection = session.connection
        try session.call("creating a statement", session.table.StatementNew) { $0(connection, statement, $1) }
        open = true
        for (key, value) in session.settings.statementOptions {
            try setOption(key, value, what: "\(session.settings.configPath).statement_options.\(key): setting the statement option \(key)")
        }
    }

    deinit {
        if open, let release = session.table.StatementRelease {
            var error = AdbcError()
            _ = release(statement, &error)
            error.release?(&error)
        }
        statement.deallocate()
    }

    func setOption(_ key: String, _ value: String, what: String? = nil) throws(PluginError) {
        let statement = self.statement
        try session.call(what ?? "setting the statement option \(key) to \(value)", session.table.StatementSetOption) {
            $0(statement, key, value, $1)
        }
    }

    func setSQL(_ sql: String) throws(PluginError) {
        let statement = self.statement
        try session.call("preparing the SQL \(Self.excerpt(sql))", session.table.StatementSetSqlQuery) { $0(statement, sql, $1) }
    }

    /// Hands the driver one batch (it takes ownership of both structs and releases them).
    func bind(_ array: UnsafeMutablePointer<ArrowArray>, _ schema: UnsafeMutablePointer<ArrowSchema>) throws(PluginError) {
        let statement = self.statement
        try session.call("binding a batch for ingest", session.table.StatementBind) { $0(statement, array, schema, $1) }
    }

    /// Executes without a result set; returns the rows affected, or -1 when the driver does not know.
    func executeUpdate(_ what: String = "executing the statement") throws(PluginError) -> Int64 {
        let statement = self.statement
        var rows: Int64 = -1
        try session.call(what, session.table.StatementExecuteQuery) { $0(statement, nil, &rows, $1) }
        return rows
    }

    /// Executes and moves the result stream into `out`, which the caller then owns.
    func executeQuery(into out: UnsafeMutablePointer<ArrowArrayStream>, _ what: String) throws(PluginError) {
        let statement = self.statement
        var rows: Int64 = -1
        try session.call(what, session.table.StatementExecuteQuery) { $0(statement, out, &rows, $1) }
    }

    /// The start of a SQL text, on one line, for messages.
    static func excerpt(_ sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 120 ? "\"\(line.prefix(117))...\"" : "\"\(line)\""
    }
}

extension ADBCStatement {
    /// Removes the session's secrets from a driver's text.
    func scrub(_ text: String) -> String { scrubberForMessages.scrub(text) }
}

extension ADBCStatement {
    /// The columns the statement's SQL would return, without running it (ADBC 1.1.0
    /// `AdbcStatementExecuteSchema`); nil when the driver cannot tell (revision 1.0.0, or not
    /// implemented), so the caller runs the query instead.
    func resultSchema(revision: Int32) throws(PluginError) -> DriverSchema? {
        guard revision >= ADBC_VERSION_1_1_0 else { return nil }
        let statement = self.statement
        var raw = ArrowSchema()
        do throws(PluginError) {
            try session.call("reading the query's columns", session.table.StatementExecuteSchema) { $0(statement, &raw, $1) }
        } catch where error.code == .unsupported {
            return nil
        }
        defer { raw.release?(&raw) }
        do throws(ArrowError) {
            return try DriverSchema(importing: &raw)
        } catch {
            throw PluginError(error.kind == .unsupported ? .unsupported : .ioError, error.message)
        }
    }
}
