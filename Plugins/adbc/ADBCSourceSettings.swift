import ETLPluginKit

/// The `adbc` source's config: the driver keys (ADBCDriverSettings) and what to read, e.g.
/// `{"driver_path": "/opt/adbc/libadbc_driver_postgresql.so", "options_env": {"uri": "PG_URI"}, "query": "SELECT ..."}`.
struct ADBCSourceSettings: Sendable {
    let driver: ADBCDriverSettings
    /// The SQL the source runs: `query`, or `SELECT * FROM` the `table`.
    let sql: String
    /// The stream name `discover` offers: the table's name, or "query".
    let streamName: String

    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "adbc source",
      "type": "object",
      "properties": {
    \#(ADBCDriverSettings.schemaProperties),
        "query": {"type": "string", "minLength": 1, "description": "The SQL to run, in the database's dialect. Give exactly one of query and table."},
        "table": {"type": "string", "minLength": 1, "description": "A table to read whole (SELECT * FROM it)."},
        "db_schema": {"type": "string", "minLength": 1, "description": "The schema holding table (only with table)."},
        "stream": {"type": "string", "minLength": 1, "description": "The stream's name, which entries give as their stream (default: the table's name, or \"query\")."}
      },
      "additionalProperties": false
    }
    """#

    init(_ config: PluginConfig, environment: (String) -> String? = ADBCDriverSettings.environmentValue) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ADBCDriverSettings.keys.union(["query", "table", "db_schema", "stream"]))
        driver = try ADBCDriverSettings(config, environment: environment)
        let query = try config.optionalString("query")
        let table = try config.optionalString("table")
        let schema = try config.optionalString("db_schema")
        let defaultStream: String
        switch (query, table) {
        case (let query?, nil):
            guard !query.allSatisfy(\.isWhitespace) else { throw .invalidConfig("\(config.path).query is empty: give the SQL to run") }
            guard schema == nil else { throw .invalidConfig("\(config.path).db_schema only applies to table: qualify the names inside query instead") }
            sql = query
            defaultStream = "query"
        case (nil, let table?):
            try SQLText.validate(table, what: "\(config.path).table")
            if let schema { try SQLText.validate(schema, what: "\(config.path).db_schema") }
            sql = "SELECT * FROM \(SQLText.table(table, schema: schema))"
            defaultStream = table
        case (nil, nil):
            throw .invalidConfig("\(config.path) says nothing to read: add \"query\": \"SELECT ...\" or \"table\": \"name\"")
        case (_?, _?):
            throw .invalidConfig("\(config.path) has both query and table: keep one")
        }
        let stream = try config.optionalString("stream")
        if stream?.isEmpty == true { throw .invalidConfig("\(config.path).stream is empty: give the stream a name or remove the key") }
        streamName = stream ?? defaultStream
    }
}
