import ETLArrow
import ETLPluginKit

/// A column the load needs in the target table.
struct TargetColumn: Sendable, Equatable {
    /// The column name, as the batch schema spells it.
    var name: String
    /// The Arrow type of its values (history columns use the type of the text or flag they hold).
    var type: ArrowColumnType
}

/// What `TargetPreparation.prepare` did to the target.
struct PreparedTarget: Sendable {
    /// The table's columns after preparation.
    var layout: TableLayout
    /// True when the table was created or recreated in this load, so it holds no old rows.
    var emptied: Bool
    /// What changed, for the log: "created", "added column ...", "recreated ...".
    var actions: [String]
}

/// Makes the target table fit the load before any row is written, inside the load's
/// transaction: creates it, adds new columns (schema drift), refuses type conflicts, and for
/// `replace` recreates it when its columns no longer match the source.
enum TargetPreparation {
    /// The history columns an scd2 target carries after the data columns.
    static let historyColumns = [
        TargetColumn(name: "_valid_from", type: .utf8),
        TargetColumn(name: "_valid_to", type: .utf8),
        TargetColumn(name: "_is_current", type: .int64),
    ]

    /// Brings the target in line with `columns`.
    static func prepare(target: String, columns: [TargetColumn], mode: WriteMode, connection: SQLiteConnection,
                        cache: SchemaCache) throws(PluginError) -> PreparedTarget {
        guard let existing = try cachedLayout(target, connection: connection, cache: cache) else {
            try create(target, columns: columns, connection: connection)
            return PreparedTarget(layout: try reload(target, connection: connection, cache: cache), emptied: true,
                                  actions: ["created table \(SQLIdentifier.quoted(target))"])
        }
        var missing: [TargetColumn] = []
        var conflicts: [(TargetColumn, ExistingColumn)] = []
        for column in columns {
            if let present = existing.column(named: column.name) {
                if !SQLiteColumnMapping.accepts(declaredType: present.declaredType, from: column.type) {
                    conflicts.append((column, present))
                }
            } else {
                missing.append(column)
            }
        }
        let wanted = Set(columns.map { SQLIdentifier.folded($0.name) })
        let stale = existing.columns.filter { !wanted.contains(SQLIdentifier.folded($0.name)) }

        if mode == .replace && (!conflicts.isEmpty || !stale.isEmpty) {
            // The target becomes exactly the loaded rows: a table whose columns no longer fit the
            // source is rebuilt. DROP + CREATE inside the transaction, never a rename: readers
            // keep the old table until commit, and users' views (bound by name) see the new one.
            try connection.execute("DROP TABLE \(SQLIdentifier.quoted(target))", table: target)
            try create(target, columns: columns, connection: connection)
            let changed = (conflicts.map { $0.1.name } + stale.map(\.name)).map(SQLIdentifier.quoted).joined(separator: ", ")
            return PreparedTarget(layout: try reload(target, connection: connection, cache: cache), emptied: true,
                                  actions: ["recreated table \(SQLIdentifier.quoted(target)) because its columns no longer match the source (\(changed))"])
        }
        if let (column, present) = conflicts.first {
            throw conflict(target: target, column: column, present: present, database: connection.path,
                           others: conflicts.count - 1)
        }
        if mode == .scd2, let history = missing.first(where: { column in Self.historyColumns.contains(column) }) {
            throw .invalidConfig("target \(SQLIdentifier.quoted(target)) in \(connection.path) exists without the scd2 history column \(SQLIdentifier.quoted(history.name)) (it was not created by an scd2 load); load scd2 history into a new target, or drop the table so the next load creates it")
        }
        guard !missing.isEmpty else { return PreparedTarget(layout: existing, emptied: false, actions: []) }
        for column in missing {
            // Schema drift: a new source column. Existing rows get NULL in it.
            let declared = SQLiteColumnMapping.declaredType(for: column.type)
            let definition = declared.isEmpty ? SQLIdentifier.quoted(column.name) : "\(SQLIdentifier.quoted(column.name)) \(declared)"
            try connection.execute("ALTER TABLE \(SQLIdentifier.quoted(target)) ADD COLUMN \(definition)", table: target)
        }
        let added = missing.map { SQLIdentifier.quoted($0.name) }.joined(separator: ", ")
        return PreparedTarget(layout: try reload(target, connection: connection, cache: cache), emptied: false,
                              actions: ["added column(s) \(added) to table \(SQLIdentifier.quoted(target)) (schema drift)"])
    }

    private static func cachedLayout(_ target: String, connection: SQLiteConnection, cache: SchemaCache) throws(PluginError) -> TableLayout? {
        if let cached = cache.layout(of: target) { return cached }
        guard let layout = try TableLayout.read(target, from: connection) else { return nil }
        cache.store(layout)
        return layout
    }

    private static func reload(_ target: String, connection: SQLiteConnection, cache: SchemaCache) throws(PluginError) -> TableLayout {
        guard let layout = try TableLayout.read(target, from: connection) else {
            throw .internalError("table \(SQLIdentifier.quoted(target)) in \(connection.path) is missing right after the load created it")
        }
        cache.store(layout)
        return layout
    }

    private static func create(_ target: String, columns: [TargetColumn], connection: SQLiteConnection) throws(PluginError) {
        let definitions = columns.map { column -> String in
            let declared = SQLiteColumnMapping.declaredType(for: column.type)
            return declared.isEmpty ? SQLIdentifier.quoted(column.name) : "\(SQLIdentifier.quoted(column.name)) \(declared)"
        }
        try connection.execute("CREATE TABLE \(SQLIdentifier.quoted(target)) (\(definitions.joined(separator: ", ")))", table: target)
    }

    private static func conflict(target: String, column: TargetColumn, present: ExistingColumn, database: String, others: Int) -> PluginError {
        let declared = present.declaredType.isEmpty ? "no type" : present.declaredType
        let needed = SQLiteColumnMapping.declaredType(for: column.type)
        var message = "target \(SQLIdentifier.quoted(target)) in \(database): column \(SQLIdentifier.quoted(present.name)) is declared \(declared) in the table, but this load sends \(column.type.displayName) values (which need \(needed)); SQLite would convert or mix them silently, so nothing was written."
        if others > 0 { message += " \(others) more column(s) conflict the same way." }
        message += " To fix: run a full refresh with write mode replace (it recreates the table with the new types), cast the column back to its old type in the entry's transforms, or ALTER the table yourself."
        return .badData(message)
    }
}
