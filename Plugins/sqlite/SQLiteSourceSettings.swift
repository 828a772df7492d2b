import ETLArrow
import ETLPluginKit

/// What the source reads: a table (or view) by name, or the rows of a query.
enum SourceRelation: Sendable, Equatable {
    case table(String)
    case query(String)
}

/// The `sqlite` source's config:
/// `{"path": "app.db", "table": "orders"}` or `{"path": "app.db", "query": "SELECT ...", "stream": "recent"}`,
/// with optional `"columns": {"created_at": "timestamp"}` type overrides.
struct SQLiteSourceSettings: Sendable {
    /// The database file (opened read-only; never created).
    let path: String
    /// The table or query.
    let relation: SourceRelation
    /// The one stream's name: the table's name, or `stream` (required for a query).
    let stream: String
    /// Column type overrides by folded column name, with the name as written for messages.
    let overrides: [String: (name: String, type: ArrowColumnType)]

    /// The JSON Schema published in the descriptor.
    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "sqlite source",
      "type": "object",
      "properties": {
        "path": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "The database file to read (opened read-only). Relative paths resolve against the manifest's folder."
        },
        "table": {
          "type": "string",
          "minLength": 1,
          "description": "A table or view to read; the stream is named after it."
        },
        "query": {
          "type": "string",
          "minLength": 1,
          "description": "One SELECT statement to read instead of a table; needs \"stream\"."
        },
        "stream": {
          "type": "string",
          "minLength": 1,
          "description": "The stream's name (default: the table's name; required with query)."
        },
        "columns": {
          "type": "object",
          "additionalProperties": { "enum": ["int64", "double", "bool", "text", "utf8", "binary", "timestamp", "date"] },
          "description": "Column types that override the declared ones, e.g. {\"created_at\": \"timestamp\"}."
        }
      },
      "required": ["path"],
      "oneOf": [ { "required": ["table"] }, { "required": ["query"] } ],
      "additionalProperties": false
    }
    """#

    /// Reads the config, refusing what the schema refuses with `ETL_INVALID_CONFIG`.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["path", "table", "query", "stream", "columns"])
        path = try config.string("path")
        guard !path.isEmpty else {
            throw .invalidConfig("\(config.path).path is empty: set it to the SQLite database file to read")
        }
        let table = try config.optionalString("table")
        let query = try config.optionalString("query")
        let stream = try config.optionalString("stream")
        switch (table, query) {
        case (let table?, nil):
            try SQLIdentifier.validate(table, what: "\(config.path).table")
            relation = .table(table)
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
            throw .invalidConfig("\(config.path) needs \"table\" or \"query\": name the table to read, or write a SELECT")
        case (.some, .some):
            throw .invalidConfig("\(config.path) has both \"table\" and \"query\"; keep exactly one")
        }
        guard !self.stream.isEmpty else { throw .invalidConfig("\(config.path).stream is empty: name the stream") }
        var overrides: [String: (name: String, type: ArrowColumnType)] = [:]
        if let columns = try config.optionalObject("columns") {
            for name in columns.keys {
                let spelled = try columns.string(name)
                guard let type = Self.type(named: spelled) else {
                    throw .invalidConfig("\(columns.path).\(name) must be one of \"int64\", \"double\", \"bool\", \"text\", \"binary\", \"timestamp\", \"date\" (got \"\(spelled)\")")
                }
                overrides[SQLIdentifier.folded(name)] = (name, type)
            }
        }
        self.overrides = overrides
    }

    /// The Arrow type a `columns` override names.
    static func type(named name: String) -> ArrowColumnType? {
        switch name {
        case "int64": return .int64
        case "double": return .double
        case "bool": return .bool
        case "text", "utf8": return .utf8
        case "binary": return .binary
        case "timestamp": return .timestampMicrosecondsUTC
        case "date": return .date32
        default: return nil
        }
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
