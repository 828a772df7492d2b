import CLibPQ
import ETLLibPQ
import Foundation

/// A libpq connection to the state schema (`state.url`), for one thread at a time. Statements
/// use the same `?N` placeholders as SQLite (rewritten to `$N`) and text parameters; every
/// value comes back as text (or NULL), which `SQLiteValue` reads as text or integer. Messages
/// name the server without its password, and the password is scrubbed from libpq's errors.
final class PostgresStateConnection: StateConnection {
    let path: String
    var dialect: StateDialect { .postgres }
    let server: PostgresStateServer
    private let handle: OpaquePointer
    private var password: String?

    /// Connects and makes the state schema the session's search path (it may not exist yet:
    /// `PostgresStateSchema.prepare` creates it).
    init(_ server: PostgresStateServer) throws(StateDatabaseError) {
        self.server = server
        path = server.description
        // getenv, not ProcessInfo: the manifest's .env is exported with setenv after start-up.
        password = server.passwordEnvironmentVariable.flatMap { getenv($0).map { String(cString: $0) } }
        if let variable = server.passwordEnvironmentVariable, password == nil {
            throw StateDatabaseError(
                path: path, sql: nil, kind: .unusable,
                message: "state.password_env names \(variable), which is not set (in the environment or the manifest's .env); set it to the password, or drop password_env to use PGPASSWORD or ~/.pgpass")
        }
        var keywords: [(String, String)] = [("dbname", server.url), ("application_name", "etl-runtime state")]
        if let password { keywords.append(("password", password)) }
        // A URL may carry a password itself (say `"url": "${STATE_URL}"`): scrub that one too.
        if password == nil { password = Self.passwordInURL(server.url) }
        let connection = LibPQ.connect(keywords)
        guard let connection else { throw StateDatabaseError(path: path, sql: nil, message: "libpq could not allocate a connection (out of memory)") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.scrub(String(cString: PQerrorMessage(connection)), password: password)
            PQfinish(connection)
            // Refused credentials or an unknown database need a person (exit 78); a server
            // that does not answer may come back (exit 1, like any failed statement).
            let refused = message.contains("authentication") || message.contains("no password supplied")
                || message.contains("does not exist")
            throw StateDatabaseError(
                path: path, sql: nil, kind: refused ? .unusable : .failed,
                message: "cannot connect: \(message); check state.url, the password (state.password_env, PGPASSWORD or ~/.pgpass) and that the server runs")
        }
        handle = connection
        try execute("SET client_min_messages TO warning; SET search_path TO \(Self.quoted(server.schema))")
    }

    deinit { PQfinish(handle) }

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func execute(_ sql: String) throws(StateDatabaseError) {
        guard let result = PQexec(handle, sql) else { throw failure(sql) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(sql, result) }
    }

    @discardableResult
    func query(_ sql: String, _ values: [SQLiteValue]) throws(StateDatabaseError) -> [[SQLiteValue]] {
        let statement = Self.numberedPlaceholders(sql)
        let texts: [UnsafeMutablePointer<CChar>?] = values.map { $0.text.map { strdup($0) } ?? nil }
        defer { texts.forEach { free($0) } }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, statement, Int32(values.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else { throw failure(statement) }
        defer { PQclear(result) }
        return try rows(of: result, statement)
    }

    /// The state's writers (every host's) take turns, like SQLite's BEGIN IMMEDIATE: without it
    /// two hosts synchronizing the control table at once could deadlock on its rows.
    func transaction<T>(_ body: () throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T {
        try stampedTransaction { _ throws(StateDatabaseError) in try body() }
    }

    /// BEGIN, the writers' lock and the clock's time once it is held go to the server in one
    /// message: one round trip where three were, for every write a run makes.
    func stampedTransaction<T>(_ body: (String) throws(StateDatabaseError) -> T) throws(StateDatabaseError) -> T {
        do throws(StateDatabaseError) {
            let key = try literal("etl-runtime state " + server.schema)
            let rows = try simpleQuery("BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0)), \(Self.clockSQL)")
            guard let time = rows.first?.last?.text else {
                throw StateDatabaseError(path: path, sql: Self.clockSQL, message: "the server returned no time")
            }
            let result = try body(time)
            try execute("COMMIT")
            return result
        } catch {
            if PQtransactionStatus(handle) != PQTRANS_IDLE { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// The server's clock, in `Timestamp.now()`'s format (milliseconds, UTC, `Z`): every host
    /// sharing the state reads the same clock. `clock_timestamp()`, not `now()`, which stays at
    /// the start of the transaction.
    static let clockSQL = #"to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#

    func now() throws(StateDatabaseError) -> String {
        guard let time = try query("SELECT " + Self.clockSQL).first?.first?.text else {
            throw StateDatabaseError(path: path, sql: "SELECT " + Self.clockSQL, message: "the server returned no time")
        }
        return time
    }

    /// Statements without parameters, several in one message (simple query protocol): the rows
    /// of the last one. The first that fails stops the rest.
    private func simpleQuery(_ sql: String) throws(StateDatabaseError) -> [[SQLiteValue]] {
        guard let result = PQexec(handle, sql) else { throw failure(sql) }
        defer { PQclear(result) }
        return try rows(of: result, sql)
    }

    /// Every value of a result as text (or NULL); a failed statement's error.
    private func rows(of result: OpaquePointer, _ sql: String) throws(StateDatabaseError) -> [[SQLiteValue]] {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(sql, result) }
        let columns = PQnfields(result)
        return (0..<PQntuples(result)).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? .null : .text(String(cString: PQgetvalue(result, row, column)))
            }
        }
    }

    /// `text` as a string literal, escaped by libpq for this connection's encoding and settings.
    func literal(_ text: String) throws(StateDatabaseError) -> String {
        guard let escaped = PQescapeLiteral(handle, text, text.utf8.count) else { throw failure("PQescapeLiteral") }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// `?N` → `$N`; a bare `?` takes the next number. Question marks inside quotes stay.
    static func numberedPlaceholders(_ sql: String) -> String {
        var output = ""
        var next = 1
        var inQuote = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { inQuote.toggle() }
            guard character == "?", !inQuote else {
                output.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            if digits.isEmpty {
                digits = String(next)
                next += 1
            }
            output += "$" + digits
        }
        return output
    }

    private func failure(_ sql: String, _ result: OpaquePointer? = nil) -> StateDatabaseError {
        let text = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
        return StateDatabaseError(path: path, sql: sql, message: Self.scrub(text, password: password))
    }

    /// The password a connection URI holds, as libpq reads it (nil when it has none or cannot be read).
    static func passwordInURL(_ url: String) -> String? {
        guard let options = PQconninfoParse(url, nil) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val { return String(cString: value) }
            option += 1
        }
        return nil
    }

    /// One line, without the password.
    static func scrub(_ message: String, password: String?) -> String {
        LibPQ.oneLine(message, scrubbing: password)
    }
}
