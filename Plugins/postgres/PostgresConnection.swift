import CLibPQ
import ETLLibPQ
import Glibc
import ETLPluginKit

/// One libpq connection, used by one thread at a time (the plugin instance's).
///
/// Statements go through the simple or extended query protocol with text parameters (state,
/// catalog look-ups); rows go in through `COPY ... FROM STDIN (FORMAT binary)` (see CopyIn).
/// Every message names the server as "user@host:port/dbname" and never holds the password.
final class PostgresConnection {
    /// The raw handle.
    let handle: OpaquePointer
    /// "postgresql user@host:port/dbname", for messages.
    let description: String
    /// Scrubbed from every message.
    let password: String?
    /// Receives the server's warnings (libpq would print them to stderr); kept alive here.
    private let notices: NoticeForwarder

    /// Connects with the settings' keywords.
    /// - Throws: `ETL_INVALID_CONFIG` for refused credentials, an unknown database or a bad URL;
    ///   `ETL_IO_ERROR` when the server cannot be reached.
    init(settings: PostgresSinkSettings, host pluginHost: PluginHost) throws(PluginError) {
        password = settings.password
        let connection = LibPQ.connect(settings.connectionKeywords)
        guard let connection else { throw .internalError("libpq could not allocate a connection (out of memory)") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresFailure.scrub(String(cString: PQerrorMessage(connection)).oneLine,
                                                password: settings.password)
            PQfinish(connection)
            let refused = message.contains("password authentication failed") || message.contains("no password supplied")
                || message.contains("does not exist") || message.contains("invalid") || message.contains("authentication")
            let hint = refused
                ? "check user, dbname and the password (password_env, PGPASSWORD or ~/.pgpass)"
                : "check that the server runs and host and port are right"
            let text = "cannot connect to \(settings.description): \(message); \(hint)"
            // Not ETL_RETRYABLE: the runtime would take that for a busy sink and wait for it.
            throw refused ? .invalidConfig(text) : .ioError(text)
        }
        handle = connection
        let user = String(cString: PQuser(connection))
        let host = String(cString: PQhost(connection))
        let port = String(cString: PQport(connection))
        let database = String(cString: PQdb(connection))
        description = "postgresql \(user)@\(host):\(port)/\(database)"
        notices = NoticeForwarder(host: pluginHost, server: description, password: settings.password)
        PQsetNoticeProcessor(connection, { context, message in
            guard let context, let message else { return }
            Unmanaged<NoticeForwarder>.fromOpaque(context).takeUnretainedValue().forward(String(cString: message))
        }, Unmanaged.passUnretained(notices).toOpaque())
        // Dates as ISO text whatever the role's defaults; notices (e.g. "schema already exists")
        // stay out of the log. (lc_messages is left alone: only a superuser may set it.)
        try execute("SET DateStyle TO 'ISO, YMD'; SET client_min_messages TO warning", what: "setting up the session")
    }

    deinit { PQfinish(handle) }

    /// True when the connection broke (a server restart): the next load must reconnect.
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// True inside a transaction (also a failed one, which only ROLLBACK ends).
    var inTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs `sql` (one or more statements, no parameters).
    func execute(_ sql: String, what: String) throws(PluginError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, what: what)
    }

    /// Runs one statement with text parameters (nil is NULL); returns its rows as text.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = [], what: String) throws(PluginError) -> QueryRows {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, what: what)
        guard let result else { return QueryRows(rows: [], affected: 0) }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append((0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return QueryRows(rows: rows, affected: Int64(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// Ends an open transaction with ROLLBACK; returns the problem when that failed.
    @discardableResult
    func rollbackIfOpen() -> String? {
        guard inTransaction else { return nil }
        let result = PQexec(handle, "ROLLBACK")
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            return PostgresFailure.scrub(String(cString: PQerrorMessage(handle)).oneLine, password: password)
        }
        return nil
    }

    /// Throws the error a result carries, if any.
    func check(_ result: OpaquePointer?, what: String) throws(PluginError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw PostgresFailure.error(of: result, connection: handle, what: "\(description): \(what)", password: password)
        }
    }
}

/// Hands the server's notices and warnings (e.g. "there is no transaction in progress" after a
/// post_sql that commits itself) to the run's log as warnings, instead of libpq's stderr.
final class NoticeForwarder {
    private let host: PluginHost
    private let server: String
    private let password: String?

    init(host: PluginHost, server: String, password: String?) {
        self.host = host
        self.server = server
        self.password = password
    }

    func forward(_ message: String) {
        host.warning(PostgresFailure.scrub("\(server): \(message.oneLine)", password: password))
    }
}

/// The rows of a statement as text, and the rows it changed.
struct QueryRows {
    var rows: [[String?]]
    /// PQcmdTuples: rows inserted, updated, deleted or copied.
    var affected: Int64
}
