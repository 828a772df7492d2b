import ETLArrow
import ETLPluginKit

/// What `PGTargetPreparation.prepare` did.
struct PGPreparedTarget {
    /// The table's columns after preparation.
    var layout: PGTableLayout
    /// True when the table was created or recreated in this load (it holds no rows).
    var emptied: Bool
    /// What changed, for the log.
    var actions: [String]
}

/// Makes the target fit the load before any row is written, inside the load's transaction:
/// creates it, adds new columns (schema drift), refuses type conflicts, and for `replace`
/// recreates a table whose columns no longer match the source — as the sqlite sink does.
enum PGTargetPreparation {
    static func prepare(schema: String, target: String, fields: [ArrowField], mode: WriteMode,
                        connection: PostgresConnection) throws(PluginError) -> PGPreparedTarget {
        let name = PGIdentifier.qualified(schema, target)
        guard let existing = try PGTableLayout.read(schema: schema, table: target, connection: connection) else {
            try create(name, fields: fields, connection: connection)
            return PGPreparedTarget(layout: try reload(schema, target, connection), emptied: true, actions: ["created table \(name)"])
        }
        var missing: [ArrowField] = []
        var conflicts: [(ArrowField, PGColumn)] = []
        for field in fields {
            if let present = existing.column(named: field.name) {
                if PGType.encoding(of: field.type, into: present.typeOID, typeModifier: present.typeModifier) == nil { conflicts.append((field, present)) }
            } else {
                missing.append(field)
            }
        }
        let wanted = Set(fields.map(\.name))
        let stale = existing.columns.filter { !wanted.contains($0.name) }
        if mode == .replace && (!conflicts.isEmpty || !stale.isEmpty) {
            // The target becomes exactly the loaded rows. DROP + CREATE inside the transaction:
            // readers keep the old table until commit. A view on the table makes PostgreSQL refuse
            // the DROP (views bind to the table itself), which the message explains.
            do throws(PluginError) {
                try connection.execute("DROP TABLE \(name)", what: "dropping \(name) to recreate it with the source's columns")
            } catch {
                throw PluginError(error.code, "\(error.message). The replace needs to recreate \(name) because its columns no longer match the source (\((conflicts.map { $0.1.name } + stale.map(\.name)).map(PGIdentifier.quoted).joined(separator: ", "))); drop or adjust the objects that depend on it, or ALTER the table to the source's columns yourself")
            }
            try create(name, fields: fields, connection: connection)
            let changed = (conflicts.map { $0.1.name } + stale.map(\.name)).map(PGIdentifier.quoted).joined(separator: ", ")
            return PGPreparedTarget(layout: try reload(schema, target, connection), emptied: true,
                                    actions: ["recreated table \(name) because its columns no longer match the source (\(changed))"])
        }
        if let (field, present) = conflicts.first {
            var message = "target \(name) in \(connection.description): column \(PGIdentifier.quoted(present.name)) is \(present.typeName) in the table, but this load sends \(field.type.displayName) values (which need \(PGType.declared(for: field))); nothing was written."
            if conflicts.count > 1 { message += " \(conflicts.count - 1) more column(s) conflict the same way." }
            message += " To fix: run a full refresh with write mode replace (it recreates the table with the new types), cast the column to the table's type in the entry's transforms, or ALTER the table yourself."
            throw .badData(message)
        }
        guard !missing.isEmpty else { return PGPreparedTarget(layout: existing, emptied: false, actions: []) }
        // Schema drift: new source columns; existing rows get NULL in them.
        let additions = missing.map { "ADD COLUMN \(PGIdentifier.quoted($0.name)) \(PGType.declared(for: $0))" }
        try connection.execute("ALTER TABLE \(name) \(additions.joined(separator: ", "))", what: "adding new columns to \(name)")
        let added = missing.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
        return PGPreparedTarget(layout: try reload(schema, target, connection), emptied: false,
                                actions: ["added column(s) \(added) to table \(name) (schema drift)"])
    }

    private static func create(_ name: String, fields: [ArrowField], connection: PostgresConnection) throws(PluginError) {
        let definitions = fields.map { "\(PGIdentifier.quoted($0.name)) \(PGType.declared(for: $0))" }
        try connection.execute("CREATE TABLE \(name) (\(definitions.joined(separator: ", ")))", what: "creating table \(name)")
    }

    private static func reload(_ schema: String, _ target: String, _ connection: PostgresConnection) throws(PluginError) -> PGTableLayout {
        guard let layout = try PGTableLayout.read(schema: schema, table: target, connection: connection) else {
            throw .internalError("table \(PGIdentifier.qualified(schema, target)) is missing right after the load created it")
        }
        return layout
    }
}
