import CLibPQ
import ETLLibPQ
import Foundation

/// A read-only look into a `postgres` sink's schema, for the table viewer: the sink's own
/// connection settings (URL or keywords, `password_env`, `schema`), a session that cannot write
/// (`default_transaction_read_only`) and gives up on a statement after 15 s. Values are compared
/// as text (`"col"::text = $1`), so a filter value that is no number never fails on a number
/// column: it just matches nothing.
final class PostgresTableReader: SinkTableReader {
    private let handle: OpaquePointer
    /// The schema the sink loads into.
    let schema: String
    /// `user@host:port/dbname`, never the password.
    let description: String
    private let password: String?

    init(_ settings: PostgresSinkConnection) throws(SinkReadFailure) {
        password = settings.password
        let connection = LibPQ.connect(settings.keywords)
        guard let connection else { throw SinkReadFailure(description: "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.scrub(String(cString: PQerrorMessage(connection)), password: settings.password)
            PQfinish(connection)
            throw SinkReadFailure(description: "cannot connect to the sink's database: \(message)")
        }
        handle = connection
        description = "postgresql \(String(cString: PQuser(connection)))@\(String(cString: PQhost(connection))):\(String(cString: PQport(connection)))/\(String(cString: PQdb(connection)))"
        schema = settings.schema ?? ""
        try execute("SET default_transaction_read_only = on; SET statement_timeout = '15s'; SET client_min_messages TO warning")
    }

    deinit { PQfinish(handle) }

    private var schemaExpression: (sql: String, values: [String]) {
        schema.isEmpty ? ("current_schema()", []) : ("$1", [schema])
    }

    func tables() throws(SinkReadFailure) -> [String] {
        let (expression, values) = schemaExpression
        return try query("SELECT table_name FROM information_schema.tables WHERE table_schema = \(expression) ORDER BY table_name", values)
            .compactMap { $0.first ?? nil }
    }

    func columns(of table: String) throws(SinkReadFailure) -> [String] {
        let (expression, values) = schemaExpression
        return try query(
            """
            SELECT column_name FROM information_schema.columns WHERE table_schema = \(expression) AND table_name = $\(values.count + 1)
            ORDER BY ordinal_position
            """, values + [table]).compactMap { $0.first ?? nil }
    }

    func page(_ query: TableQuery) throws(SinkReadFailure) -> (total: Int, rows: [SinkRow]) {
        let (whereClause, values) = filterClause(query)
        let total = try self.query("SELECT count(*) FROM \(try qualified(query.table))\(whereClause)", values)
        let rows = try self.query(
            "SELECT \(selectList(query)) FROM \(try qualified(query.table))\(whereClause)\(try orderClause(query)) LIMIT \(query.size) OFFSET \(query.offset)",
            values)
        return (Int((total.first?.first ?? nil) ?? "0") ?? 0, rows)
    }

    /// Every matching row, in order, fetched in chunks from a server-side cursor (see
    /// `PostgresRowCursor`) rather than one result holding them all.
    func rows(_ query: TableQuery) throws(SinkReadFailure) -> any SinkRowCursor {
        let (whereClause, values) = filterClause(query)
        return try PostgresRowCursor(
            reader: self, select: "SELECT \(selectList(query)) FROM \(try qualified(query.table))\(whereClause)\(try orderClause(query))", values)
    }

    func selectList(_ query: TableQuery) -> String {
        query.columns.map(Self.quoted).joined(separator: ", ")
    }

    /// `"schema"."table"`, the schema as the session resolves it when the sink names none.
    func qualified(_ table: String) throws(SinkReadFailure) -> String {
        let name = schema.isEmpty ? ((try query("SELECT current_schema()", []).first?.first ?? nil) ?? "public") : schema
        return Self.quoted(name) + "." + Self.quoted(table)
    }

    func filterClause(_ query: TableQuery) -> (sql: String, values: [String]) {
        guard let column = query.filterColumn else { return ("", []) }
        let name = Self.quoted(column)
        switch query.filterOperator {
        case .equals: return (" WHERE \(name)::text = $1", [query.filterValue])
        case .contains: return (" WHERE strpos(\(name)::text, $1) > 0", [query.filterValue])
        case .isNull: return (" WHERE \(name) IS NULL", [])
        case .notNull: return (" WHERE \(name) IS NOT NULL", [])
        }
    }

    /// ` ORDER BY ...` the chosen column, then where each row is stored. Without a unique last
    /// key, rows that tie (or every row, unsorted: a sequential scan may join one already under
    /// way, mid-table) come in an order that can differ from one page's query to the next's, so a
    /// row could show on two pages and another on none. A view has no row address; its pages are
    /// stable only where its sort column is unique.
    func orderClause(_ query: TableQuery) throws(SinkReadFailure) -> String {
        var keys = query.sort.map { ["\(Self.quoted($0)) \(query.descending ? "DESC" : "ASC")"] } ?? []
        keys += try rowAddress(query.table)
        return keys.isEmpty ? "" : " ORDER BY " + keys.joined(separator: ", ")
    }

    /// What tells `table`'s rows apart whatever their values: the tuple's address, with the
    /// partition's oid for a partitioned table (addresses repeat across partitions).
    private func rowAddress(_ table: String) throws(SinkReadFailure) -> [String] {
        let kind = try query("SELECT relkind::text FROM pg_class WHERE oid = $1::regclass", [try qualified(table)]).first?.first ?? nil
        switch kind {
        case "r", "m": return ["ctid"]
        case "p": return ["tableoid", "ctid"]
        default: return []
        }
    }

    /// Runs `sql` (one or more statements, no parameters) that returns no rows.
    func execute(_ sql: String) throws(SinkReadFailure) {
        guard let result = PQexec(handle, sql) else { throw failure(nil) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result) }
    }

    /// Runs one statement that returns no rows, `values` bound as $1, $2, ...
    func command(_ sql: String, _ values: [String]) throws(SinkReadFailure) {
        let result = try run(sql, values)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result) }
    }

    /// The rows of one statement, `values` bound as $1, $2, ...
    func query(_ sql: String, _ values: [String]) throws(SinkReadFailure) -> [SinkRow] {
        let result = try run(sql, values)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result) }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The result, which the caller clears.
    private func run(_ sql: String, _ values: [String]) throws(SinkReadFailure) -> OpaquePointer {
        let texts = values.map { strdup($0) }
        defer { texts.forEach { free($0) } }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, sql, Int32(values.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else { throw failure(nil) }
        return result
    }

    private func failure(_ result: OpaquePointer?) -> SinkReadFailure {
        let text = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
        return SinkReadFailure(description: "\(description): \(Self.scrub(text, password: password))")
    }

    static func scrub(_ message: String, password: String?) -> String {
        LibPQ.oneLine(message, scrubbing: password)
    }
}

/// A `postgres` sink's connection, read from its config the way the plugin reads it.
struct PostgresSinkConnection: Sendable {
    var keywords: [(String, String)]
    var password: String?
    var schema: String?

    /// nil with the reason when the config cannot be used here (an unset `password_env`).
    static func from(config: [String: String], environment: (String) -> String?) -> Result<PostgresSinkConnection, SinkReadFailure> {
        var keywords: [(String, String)] = [("connect_timeout", "10"), ("application_name", "etl-runtime serve")]
        if let url = config["url"] { keywords.append(("dbname", url)) }
        for key in ["host", "port", "dbname", "user", "sslmode"] {
            if let value = config[key] { keywords.append((key, value)) }
        }
        var password: String?
        if let variable = config["password_env"] {
            guard let value = environment(variable), !value.isEmpty else {
                return .failure(SinkReadFailure(description: "password_env names \(variable), which is not set"))
            }
            keywords.append(("password", value))
            password = value
        }
        return .success(PostgresSinkConnection(keywords: keywords, password: password, schema: config["schema"]))
    }
}
