import ETLPluginKit

/// Standard SQL quoting, understood by SQLite, PostgreSQL, Snowflake and most ADBC backends
/// (BigQuery is the exception for identifiers: its SQL runs only on drivers without transactions,
/// which never get here).
enum SQLText {
    /// `"name"`, with embedded quotes doubled.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// `"schema"."name"`, or just `"name"` without a schema.
    static func table(_ name: String, schema: String?) -> String {
        (schema.map { identifier($0) + "." } ?? "") + identifier(name)
    }

    /// `'text'`, with embedded quotes doubled. Values go into SQL this way because binding
    /// parameters differs per driver; nothing but our own state rows is written like this.
    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    static func literal(_ text: String?) -> String {
        text.map { literal($0) } ?? "NULL"
    }

    /// Refuses a name the SQL above cannot carry.
    static func validate(_ name: String, what: String) throws(PluginError) {
        guard !name.isEmpty else { throw .invalidConfig("\(what) is empty") }
        guard !name.utf8.contains(0) else { throw .invalidConfig("\(what) contains a NUL character") }
    }
}
