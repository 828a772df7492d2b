import ETLPluginKit

/// What the `postgres` source reads for a stream: a table (or view) by name, or a query's rows.
enum PGSourceRelation: Sendable, Equatable {
    /// A table or view, in `schema` when given (else the connection's search_path).
    case table(schema: String?, name: String)
    /// One SELECT.
    case query(String)

    /// The relation as a FROM item, always named `_etl_source` so that ORDER BY can name the
    /// relation's own columns (`"_etl_source"."c"`) rather than the SELECT list's text casts.
    var fromItem: String {
        switch self {
        case .table(let schema?, let name): return PGIdentifier.qualified(schema, name) + " AS \(Self.alias)"
        case .table(nil, let name): return PGIdentifier.quoted(name) + " AS \(Self.alias)"
        case .query(let query): return "(\(query)) AS \(Self.alias)"
        }
    }

    static let alias = "\"_etl_source\""
}

/// The `postgres` source's config: the sink's connection keys (`url`, `host`, `port`, `dbname`,
/// `user`, `password_env`, `sslmode`, `schema`) plus the `sqlite` source's `table` / `query` /
/// `stream`, so users learn one set of keys:
/// `{"url": "postgresql://etl@db/app", "table": "orders"}`,
/// `{"url": "...", "query": "SELECT ...", "stream": "recent"}`.
///
/// Without `table` and `query` the source offers every table and view of `schema` (default:
/// the connection's current schema) as a stream named after it.
struct PostgresSourceSettings: Sendable {
    /// How to connect (shared with the sink, so both read the same keys the same way).
    let connection: PostgresSinkSettings
    /// The one relation the config names, or nil: every table and view of the schema.
    let relation: PGSourceRelation?
    /// The one stream's name when `relation` is set.
    let stream: String?

    /// The JSON Schema published in the descriptor.
    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "postgres source",
      "type": "object",
      "properties": {
        "url": {"type": "string", "pattern": "^postgres(ql)?://", "description": "A libpq connection URI, e.g. postgresql://etl@db.internal:5432/app. Keep the password out of it: use password_env, PGPASSWORD or ~/.pgpass. The keywords below override its parts."},
        "host": {"type": "string", "minLength": 1, "description": "Host name, IP address, or the folder of a Unix socket (libpq's host)."},
        "port": {"type": ["integer", "string"], "minimum": 1, "maximum": 65535, "pattern": "^[0-9]+$", "description": "TCP port (default 5432)."},
        "dbname": {"type": "string", "minLength": 1, "description": "Database name."},
        "user": {"type": "string", "minLength": 1, "description": "Role to log in as (it needs SELECT on what it reads)."},
        "password_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "description": "The environment (or .env) variable holding the password. Without it libpq reads PGPASSWORD or ~/.pgpass."},
        "sslmode": {"enum": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], "description": "libpq's sslmode, passed through."},
        "schema": {"type": "string", "minLength": 1, "maxLength": 63, "description": "Schema of the table, and the schema whose tables and views are the streams when neither table nor query is set. Default: the connection's current schema (normally public)."},
        "table": {"type": "string", "minLength": 1, "maxLength": 63, "description": "A table or view to read; the stream is named after it."},
        "query": {"type": "string", "minLength": 1, "description": "One SELECT statement to read instead of a table; needs \"stream\"."},
        "stream": {"type": "string", "minLength": 1, "description": "The stream's name (default: the table's name; required with query)."}
      },
      "additionalProperties": false
    }
    """#

    /// Reads the config, refusing what the schema refuses with `ETL_INVALID_CONFIG`.
    init(_ config: PluginConfig, environment: (String) -> String? = PostgresSinkSettings.environmentValue) throws(PluginError) {
        connection = try PostgresSinkSettings(config, extraKeys: ["table", "query", "stream"], environment: environment)
        let table = try config.optionalString("table")
        let query = try config.optionalString("query")
        let stream = try config.optionalString("stream")
        switch (table, query) {
        case (let table?, nil):
            try PGIdentifier.validate(table, what: "\(config.path).table")
            relation = .table(schema: connection.schema, name: table)
            self.stream = stream ?? table
        case (nil, let query?):
            let trimmed = Self.trimmedQuery(query)
            guard !trimmed.isEmpty else { throw .invalidConfig("\(config.path).query is empty: write one SELECT statement") }
            guard let stream else {
                throw .invalidConfig("\(config.path).stream is required with a query: name the stream, e.g. \"stream\": \"recent_orders\"")
            }
            relation = .query(trimmed)
            self.stream = stream
        case (nil, nil):
            guard stream == nil else {
                throw .invalidConfig("\(config.path).stream names the stream of a table or query, and there is neither; add \"table\" or \"query\", or remove \"stream\" to read every table of the schema")
            }
            relation = nil
            self.stream = nil
        case (.some, .some):
            throw .invalidConfig("\(config.path) has both \"table\" and \"query\"; keep exactly one")
        }
        if let stream = self.stream, stream.isEmpty { throw .invalidConfig("\(config.path).stream is empty: name the stream") }
    }

    /// The relation a stream reads: the configured one (whose stream name must match), or the
    /// schema's table of that name.
    func relation(forStream name: String) throws(PluginError) -> PGSourceRelation {
        if let relation, let stream {
            guard name == stream else {
                throw .invalidConfig("this postgres source offers the stream \"\(stream)\", not \"\(name)\"; fix the entry's stream")
            }
            return relation
        }
        try PGIdentifier.validate(name, what: "stream")
        return .table(schema: connection.schema, name: name)
    }

    /// A query without the trailing semicolons and blanks people paste with it (it becomes a
    /// subquery, where they are syntax errors).
    static func trimmedQuery(_ query: String) -> String {
        var text = Substring(query)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}
