import ETLPluginKit

/// `replace_by: "swap"`: the new rows go into a staging table over several connections at once
/// (CopyLanes), and the load's transaction puts that table in the target's place, with the
/// entry's state, in one commit.
///
/// Why: a single COPY is bounded by the one server backend that stores it; several backends store
/// in parallel, but each in a transaction of its own. Those transactions commit into a table no
/// reader looks at (`_etl_swap_<target>_<hash>`); only the load's transaction, which holds the
/// target's advisory lock from `begin`, drops the old table and renames the staging table, so
/// readers see the old rows or all the new ones. A failed or killed load leaves the old table,
/// and its staging table, which the next load of the target drops.
///
/// The swap makes a new table, which views, foreign keys, triggers and the other objects bound to
/// the old one would not follow. So a target with any of them, or one another role owns, is
/// replaced by `delete` instead, and the load says why (`obstacle`). The new table keeps the old
/// one's columns (types, collations, NOT NULL), storage parameters and column settings
/// (PGSwapTableSettings), grants and comments, and its indexes, key and check constraints,
/// defaults, replica identity and CLUSTER index are built again (PGSwapCarriedObjects).
struct PGSwapLoad {
    /// The staging table's name, unqualified.
    let stage: String
    /// The sink's schema.
    let schema: String
    /// The target's name, unqualified.
    let target: String

    /// Connections that copy in parallel: two server processes store the rows, which is what a
    /// single COPY lacks; more would only contend for the same table's extension on a small server.
    static let connections = 2

    init(schema: String, target: String) {
        self.schema = schema
        self.target = target
        stage = Self.stageName(of: target)
    }

    var qualifiedStage: String { PGIdentifier.qualified(schema, stage) }
    var qualifiedTarget: String { PGIdentifier.qualified(schema, target) }

    /// `_etl_swap_<the target's first bytes>_<8 hex digits of a hash of the whole name>`: one
    /// fixed name per target within PostgreSQL's 63 bytes, so a load finds a killed load's table.
    static func stageName(of target: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in target.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var prefix = ""
        for character in target where prefix.utf8.count + String(character).utf8.count <= 40 {
            prefix.append(character)
        }
        let digits = String(hash & 0xffff_ffff, radix: 16)
        return "_etl_swap_\(prefix)_\(String(repeating: "0", count: 8 - digits.count))\(digits)"
    }

    /// Why the prepared target cannot be swapped, or nil when it can. Read inside the load's
    /// transaction, after the target's advisory lock.
    func obstacle(connection: PostgresConnection) throws(PluginError) -> String? {
        let table = try connection.query("""
            SELECT c.relkind::text, c.relpersistence::text, c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user), \
            c.relrowsecurity OR c.relforcerowsecurity, c.reltablespace <> 0, \
            EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid), pg_get_userbyid(c.relowner) \
            FROM pg_class c WHERE c.oid = $1::regclass
            """, [qualifiedTarget], what: "reading how \(qualifiedTarget) is stored")
        guard let row = table.rows.first else { return "it is missing" }
        let mayCreate = try connection.query("SELECT has_schema_privilege(quote_ident($1), 'CREATE')", [schema],
                                             what: "checking the privileges on schema \(PGIdentifier.quoted(schema))")
        if mayCreate.rows.first?.first != "t" {
            return "the role may not create the staging table in schema \(PGIdentifier.quoted(schema)) (GRANT CREATE ON SCHEMA \(PGIdentifier.quoted(schema)) to it)"
        }
        if row[0] != "r" { return "it is a partitioned table" }
        if row[1] != "p" { return "it is an unlogged or temporary table" }
        if row[2] != "t" { return "it is owned by role \(PGIdentifier.quoted(row[6] ?? "?")), not by the loading role, which would own the new table" }
        if row[3] == "t" { return "it has row-level security" }
        if row[4] == "t" { return "it is in a tablespace of its own" }
        if row[5] == "t" { return "it takes part in table inheritance" }
        // (A generated column cannot be loaded, and one the load lacks makes a replace recreate
        // the table, so only identity columns need a look.)
        let identity = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND attidentity <> '')
            """, [qualifiedTarget], what: "reading the columns of \(qualifiedTarget)")
        if identity.rows.first?.first == "t" { return "it has an identity column, whose sequence a new table would restart" }
        // An index's storage parameters and tablespace are not in a constraint's definition.
        let placedIndex = try connection.query("""
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
            WHERE i.indrelid = $1::regclass AND (c.reltablespace <> 0 OR (c.reloptions IS NOT NULL \
            AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid))) LIMIT 1
            """, [qualifiedTarget], what: "reading the indexes of \(qualifiedTarget)")
        if let index = placedIndex.rows.first?.first ?? nil {
            return "its index \(PGIdentifier.quoted(index)) has a tablespace or, backing a constraint, storage parameters"
        }
        // Everything else bound to the table: views and rules (normal dependencies), triggers,
        // policies, owned sequences, publications, statistics, foreign keys (automatic ones).
        // Its row type and TOAST table (internal) move with it; its indexes, defaults and its own
        // checks, primary key, unique and exclusion constraints are built again (PGSwapCarriedObjects).
        let dependents = try connection.query("""
            SELECT DISTINCT CASE WHEN r.rulename = '_RETURN' \
            THEN CASE WHEN v.relkind = 'm' THEN 'materialized view ' ELSE 'view ' END || r.ev_class::regclass::text \
            ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END \
            FROM pg_depend d LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid \
            LEFT JOIN pg_class v ON v.oid = r.ev_class \
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::regclass AND d.deptype IN ('n', 'a') \
            AND d.classid <> 'pg_attrdef'::regclass \
            AND NOT (d.classid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = d.objid)) \
            AND NOT (d.classid = 'pg_constraint'::regclass AND EXISTS (SELECT 1 FROM pg_constraint k \
                WHERE k.oid = d.objid AND k.conrelid = $1::regclass AND k.contype IN ('c', 'p', 'u', 'x'))) \
            ORDER BY 1 LIMIT 4
            """, [qualifiedTarget], what: "looking for objects that depend on \(qualifiedTarget)")
        let names = dependents.rows.compactMap { $0.first ?? nil }
        guard names.isEmpty else {
            return "objects depend on it (\(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? ", ..." : "")), which a new table would not carry"
        }
        do throws(PluginError) {
            _ = try PGSwapCarriedObjects.plan(for: self, connection: connection)
        } catch where error.code == .internalError {
            return error.message
        }
        return nil
    }

    /// A name for the `number`th index or constraint the swap builds before the old one's name is
    /// free: unique to the target, as the staging table's.
    func temporaryName(_ number: Int) -> String {
        "_etl_swap_\(number)_\(stage.suffix(8))"
    }

    /// The `CREATE TABLE` of the staging table: the prepared target's columns as the load's
    /// transaction sees them (types with modifiers, collations, NOT NULL) and its storage
    /// parameters; then, when the target has any, the `ALTER TABLE` of its column settings.
    func createStageSQL(connection: PostgresConnection) throws(PluginError) -> String {
        let columns = try connection.query("""
            SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) \
            || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END \
            || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END \
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [qualifiedTarget], what: "reading the column definitions of \(qualifiedTarget)")
        let storage = try PGSwapTableSettings.storageClause(of: qualifiedTarget, connection: connection)
        let create = "CREATE TABLE \(qualifiedStage) (\(columns.rows.compactMap { $0.first ?? nil }.joined(separator: ", ")))\(storage)"
        guard let settings = try PGSwapTableSettings.columnSettingsSQL(of: qualifiedTarget, stage: qualifiedStage, connection: connection) else {
            return create
        }
        return "\(create); \(settings)"
    }

    /// On `connection` (a lane, outside the load's transaction): drops a killed load's staging
    /// table and creates this one, committed, so every lane can copy into it.
    func createStage(_ createSQL: String, connection: PostgresConnection) throws(PluginError) {
        try connection.execute("BEGIN; DROP TABLE IF EXISTS \(qualifiedStage); \(createSQL); COMMIT",
                               what: "creating the staging table \(qualifiedStage) of the swap into \(qualifiedTarget)")
    }

    /// Drops the staging table of a load that failed (best effort: the next load drops it too).
    func dropStage(connection: PostgresConnection) {
        connection.rollbackIfOpen()
        try? connection.execute("DROP TABLE IF EXISTS \(qualifiedStage)", what: "dropping the staging table \(qualifiedStage)")
    }

    /// In the load's transaction: gives the staging table the target's grants and comments,
    /// drops the target and renames the staging table to it.
    func swapIn(connection: PostgresConnection) throws(PluginError) {
        let rebuilt = try PGSwapCarriedObjects.plan(for: self, connection: connection)
        for statement in rebuilt.build {
            try connection.execute(statement, what: "building the indexes, constraints and defaults of \(qualifiedTarget) again on its new table")
        }
        let carried = try connection.query("""
            SELECT format('GRANT %s ON TABLE %s TO %s%s', a.privilege_type, $2::text, \
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, \
            CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) \
            FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::regclass AND a.grantee <> c.relowner \
            UNION ALL \
            SELECT format('GRANT %s (%s) ON TABLE %s TO %s%s', a.privilege_type, quote_ident(at.attname), $2::text, \
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, \
            CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) \
            FROM pg_attribute at, aclexplode(at.attacl) a WHERE at.attrelid = $1::regclass AND at.attnum > 0 AND NOT at.attisdropped \
            UNION ALL \
            SELECT format('COMMENT ON TABLE %s IS %L', $2::text, d.description) FROM pg_description d \
            WHERE d.classoid = 'pg_class'::regclass AND d.objoid = $1::regclass AND d.objsubid = 0 \
            UNION ALL \
            SELECT format('COMMENT ON COLUMN %s.%s IS %L', $2::text, quote_ident(at.attname), d.description) \
            FROM pg_description d JOIN pg_attribute at ON at.attrelid = d.objoid AND at.attnum = d.objsubid \
            WHERE d.classoid = 'pg_class'::regclass AND d.objoid = $1::regclass AND d.objsubid > 0
            """, [qualifiedTarget, qualifiedStage], what: "reading the grants and comments of \(qualifiedTarget)")
        for statement in carried.rows.compactMap({ $0.first ?? nil }) {
            try connection.execute(statement, what: "carrying the grants and comments of \(qualifiedTarget) over to its new table")
        }
        try connection.execute("DROP TABLE \(qualifiedTarget)", what: "dropping the old \(qualifiedTarget) for the swap")
        try connection.execute("ALTER TABLE \(qualifiedStage) RENAME TO \(PGIdentifier.quoted(target))",
                               what: "renaming the staging table \(qualifiedStage) to \(qualifiedTarget)")
        for statement in rebuilt.rename {
            try connection.execute(statement, what: "giving the indexes and constraints of \(qualifiedTarget) their names again")
        }
    }
}
