import ETLPluginKit

/// What a swap builds again on the new table from the old one's definitions, so that a table
/// with a primary key, unique or exclusion constraints, checks, defaults and indexes can still be
/// swapped: the statements run in the load's transaction after the rows are copied (an index
/// built over the copied rows at once is cheaper than one kept up row by row), before the old
/// table is dropped. Index-backed constraints and indexes take a temporary name first (their
/// names are unique in the schema, and the old ones still exist), and their own name after the
/// drop. Comments on them come along, and so do the replica identity, the CLUSTER index and
/// index columns' statistics targets, set once the names are back.
struct PGSwapCarriedObjects {
    /// Run before the old table is dropped: defaults, constraints, indexes on the staging table.
    var build: [String] = []
    /// Run after the staging table took the target's name: the names and comments.
    var rename: [String] = []

    /// The plan for the swap of `swap.qualifiedTarget` into `swap.qualifiedStage`, read from the
    /// catalog in the load's transaction.
    /// - Throws: `ETL_INTERNAL_ERROR` when an index's definition cannot be pointed at the staging
    ///   table (`PGSwapLoad.obstacle` asks for the plan first, so such a table is never swapped).
    static func plan(for swap: PGSwapLoad, connection: PostgresConnection) throws(PluginError) -> PGSwapCarriedObjects {
        var plan = PGSwapCarriedObjects()
        let target = swap.qualifiedTarget, stage = swap.qualifiedStage
        let defaults = try connection.query("""
            SELECT quote_ident(a.attname), pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d \
            JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
            WHERE d.adrelid = $1::regclass AND a.attgenerated = '' ORDER BY a.attnum
            """, [target], what: "reading the column defaults of \(target)")
        for row in defaults.rows {
            plan.build.append("ALTER TABLE \(stage) ALTER COLUMN \(row[0] ?? "") SET DEFAULT \(row[1] ?? "NULL")")
        }
        // Checks first, so the key's index is not built over rows a check would refuse.
        let constraints = try connection.query("""
            SELECT quote_ident(conname), contype::text, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint') \
            FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('c', 'p', 'u', 'x') \
            ORDER BY contype <> 'c', conname
            """, [target], what: "reading the constraints of \(target)")
        for (number, row) in constraints.rows.enumerated() {
            let name = row[0] ?? "", definition = row[2] ?? ""
            let indexed = row[1] != "c"
            let temporary = indexed ? PGIdentifier.quoted(swap.temporaryName(number)) : name
            plan.build.append("ALTER TABLE \(stage) ADD CONSTRAINT \(temporary) \(definition)")
            if indexed { plan.rename.append("ALTER TABLE \(target) RENAME CONSTRAINT \(temporary) TO \(name)") }
            if let comment = row[3] {
                plan.rename.append("COMMENT ON CONSTRAINT \(name) ON \(target) IS \(PGIdentifier.literal(comment))")
            }
        }
        // Indexes of no constraint. pg_get_indexdef names the index and the table as written
        // here ("CREATE INDEX name ON schema.table USING ..."): both are swapped for the staging ones.
        let indexes = try connection.query("""
            SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid), \
            ' INDEX ' || quote_ident(c.relname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(t.relname) || ' ', \
            obj_description(i.indexrelid, 'pg_class') \
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid \
            JOIN pg_namespace n ON n.oid = t.relnamespace \
            WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) \
            ORDER BY c.relname
            """, [target], what: "reading the indexes of \(target)")
        for (number, row) in indexes.rows.enumerated() {
            let name = row[0] ?? "", definition = row[1] ?? "", naming = row[2] ?? ""
            let temporary = PGIdentifier.quoted(swap.temporaryName(constraints.rows.count + number))
            guard definition.firstRange(of: naming) != nil else {
                throw .internalError("the definition of index \(name) of \(target) (\(definition)) does not read as expected; the swap cannot build it again")
            }
            plan.build.append(definition.replacing(naming, with: " INDEX \(temporary) ON \(stage) ", maxReplacements: 1))
            plan.rename.append("ALTER INDEX \(PGIdentifier.quoted(swap.schema)).\(temporary) RENAME TO \(name)")
            if let comment = row[3] {
                plan.rename.append("COMMENT ON INDEX \(PGIdentifier.quoted(swap.schema)).\(name) IS \(PGIdentifier.literal(comment))")
            }
        }
        plan.rename += try PGSwapTableSettings.afterRenameSQL(of: target, schema: swap.schema, connection: connection)
        return plan
    }
}
