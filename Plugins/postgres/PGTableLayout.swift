import ETLPluginKit

/// One column of an existing table.
struct PGColumn: Sendable, Equatable {
    var name: String
    /// pg_attribute.atttypid (a domain counts as its own type: no encoding fits it).
    var typeOID: UInt32
    /// format_type(): "bigint", "character varying(20)", "numeric(12,2)".
    var typeName: String
    /// pg_attribute.atttypmod (numeric: precision and scale; -1: none).
    var typeModifier: Int32 = -1
}

/// The columns of an existing table, read from the catalog. Names are exact: the sink quotes
/// every identifier, so `Name` and `name` are two columns.
struct PGTableLayout: Sendable {
    var schema: String
    var table: String
    var columns: [PGColumn]

    func column(named name: String) -> PGColumn? { columns.first { $0.name == name } }

    /// The layout of `schema.table`, nil when no such relation exists. A view or another kind of
    /// relation is refused: loads write tables.
    static func read(schema: String, table: String, connection: PostgresConnection) throws(PluginError) -> PGTableLayout? {
        let kind = try connection.query("""
            SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname = $1 AND c.relname = $2
            """, [schema, table], what: "looking up table \(PGIdentifier.qualified(schema, table))")
        guard let relkind = kind.rows.first?.first ?? nil else { return nil }
        guard relkind == "r" || relkind == "p" else {
            let what = ["v": "a view", "m": "a materialized view", "f": "a foreign table", "S": "a sequence", "i": "an index"][relkind] ?? "not a table"
            throw .invalidConfig("target \(PGIdentifier.qualified(schema, table)) in \(connection.description) is \(what), and a load can only write a table; choose another target name")
        }
        let columns = try connection.query("""
            SELECT a.attname, a.atttypid::oid::bigint, format_type(a.atttypid, a.atttypmod), a.atttypmod FROM pg_attribute a \
            WHERE a.attrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND a.attnum > 0 AND NOT a.attisdropped \
            ORDER BY a.attnum
            """, [schema, table], what: "reading the columns of \(PGIdentifier.qualified(schema, table))")
        return PGTableLayout(schema: schema, table: table, columns: columns.rows.map { row in
            PGColumn(name: row[0] ?? "", typeOID: UInt32(row[1] ?? "") ?? 0, typeName: row[2] ?? "",
                     typeModifier: Int32(row[3] ?? "") ?? -1)
        })
    }
}
