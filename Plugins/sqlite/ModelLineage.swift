import CSQLite

/// The tables a model's query reads, found while SQLite compiles it: the authorizer is told of
/// every table (and view) column the statement reads, so no SQL parsing of our own is needed.
enum ModelLineage {
    /// Compiles `sql` once with an authorizer that records the tables read, then finalizes it.
    /// Tables of the temp schema and SQLite's own are left out. Nil when SQLite cannot compile
    /// it (the run reports that error itself).
    static func tablesRead(by sql: String, connection: SQLiteConnection) -> [String]? {
        let collected = Collected()
        let context = Unmanaged.passUnretained(collected).toOpaque()
        sqlite3_set_authorizer(connection.handle, { context, action, table, _, database, view in
            guard action == SQLITE_READ, let context else { return SQLITE_OK }
            let names = Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue()
            let schema = database.map { String(cString: $0) } ?? "main"
            if schema != "temp", let table {
                let name = String(cString: table)
                if !name.hasPrefix("sqlite_") { names.tables.insert(name) }
            }
            // A read through a view names the view as well as its tables.
            if let view { names.tables.insert(String(cString: view)) }
            return SQLITE_OK
        }, context)
        defer { sqlite3_set_authorizer(connection.handle, nil, nil) }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil)
        sqlite3_finalize(statement)
        guard code == SQLITE_OK else { return nil }
        return collected.tables.sorted()
    }

    private final class Collected {
        var tables: Set<String> = []
    }
}
