import CLibPQ
import ETLPluginKit

/// The settings of a swap's target that live on the table and its columns rather than in its
/// indexes and constraints: storage parameters (its own and its TOAST table's), and per column
/// the statistics target, storage, compression and attribute options. They are given to the
/// staging table right after it is created, before any row: storage, compression and
/// fillfactor decide how the copied rows are stored, so setting them later would not apply to
/// those rows.
enum PGSwapTableSettings {
    /// `WITH (...)` for the staging table's `CREATE TABLE`, or "" when the target has no
    /// storage parameters. Values are quoted as literals, which every parameter accepts.
    static func storageClause(of target: String, connection: PostgresConnection) throws(PluginError) -> String {
        let options = try connection.query("""
            SELECT string_agg(format('%s%s=%L', prefix, split_part(o, '=', 1), substr(o, strpos(o, '=') + 1)), ', ') FROM ( \
            SELECT '' AS prefix, unnest(c.reloptions) AS o FROM pg_class c WHERE c.oid = $1::regclass \
            UNION ALL SELECT 'toast.', unnest(t.reloptions) FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid \
            WHERE c.oid = $1::regclass) options
            """, [target], what: "reading the storage parameters of \(target)")
        guard let list = options.rows.first?.first ?? nil, !list.isEmpty else { return "" }
        return " WITH (\(list))"
    }

    /// `ALTER TABLE stage ALTER COLUMN ...` giving the staging table's columns the target's
    /// statistics targets, storage, compression and options, or nil when every column has the
    /// defaults. (A statistics target is -1 by default before PostgreSQL 17, NULL from 17.)
    static func columnSettingsSQL(of target: String, stage: String, connection: PostgresConnection) throws(PluginError) -> String? {
        // attcompression exists from PostgreSQL 14 on.
        let compression = PQserverVersion(connection.handle) >= 140_000
            ? "CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END"
            : "NULL::text"
        let columns = try connection.query("""
            SELECT quote_ident(a.attname), CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END, \
            CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' \
            WHEN 'm' THEN 'MAIN' WHEN 'x' THEN 'EXTENDED' END END, \(compression), \
            (SELECT string_agg(format('%s=%L', split_part(o, '=', 1), substr(o, strpos(o, '=') + 1)), ', ') FROM unnest(a.attoptions) o) \
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [target], what: "reading the column settings of \(target)")
        var actions: [String] = []
        for row in columns.rows {
            let column = "ALTER COLUMN \(row[0] ?? "")"
            if let statistics = row[1] { actions.append("\(column) SET STATISTICS \(statistics)") }
            if let storage = row[2] { actions.append("\(column) SET STORAGE \(storage)") }
            if let method = row[3] { actions.append("\(column) SET COMPRESSION \(method)") }
            if let options = row[4] { actions.append("\(column) SET (\(options))") }
        }
        guard !actions.isEmpty else { return nil }
        return "ALTER TABLE \(stage) \(actions.joined(separator: ", "))"
    }

    /// Statements for after the staging table took the target's name and its indexes theirs:
    /// the replica identity, the index CLUSTER uses, and statistics targets set on index columns.
    /// Read from the old table, before it is dropped.
    static func afterRenameSQL(of target: String, schema: String, connection: PostgresConnection) throws(PluginError) -> [String] {
        let table = try connection.query("""
            SELECT c.relreplident::text, \
            (SELECT quote_ident(x.relname) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident), \
            (SELECT quote_ident(x.relname) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisclustered) \
            FROM pg_class c WHERE c.oid = $1::regclass
            """, [target], what: "reading the replica identity and clustering of \(target)")
        var statements: [String] = []
        if let row = table.rows.first {
            switch row[0] {
            case "f": statements.append("ALTER TABLE \(target) REPLICA IDENTITY FULL")
            case "n": statements.append("ALTER TABLE \(target) REPLICA IDENTITY NOTHING")
            case "i": if let index = row[1] { statements.append("ALTER TABLE \(target) REPLICA IDENTITY USING INDEX \(index)") }
            default: break
            }
            if let index = row[2] { statements.append("ALTER TABLE \(target) CLUSTER ON \(index)") }
        }
        let indexColumns = try connection.query("""
            SELECT quote_ident(x.relname), a.attnum::text, a.attstattarget::text FROM pg_index i \
            JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indexrelid \
            WHERE i.indrelid = $1::regclass AND a.attstattarget >= 0 ORDER BY 1, 2
            """, [target], what: "reading the statistics targets of the indexes of \(target)")
        for row in indexColumns.rows {
            statements.append("ALTER INDEX \(PGIdentifier.quoted(schema)).\(row[0] ?? "") ALTER COLUMN \(row[1] ?? "") SET STATISTICS \(row[2] ?? "")")
        }
        return statements
    }
}
