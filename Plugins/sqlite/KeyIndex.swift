import CSQLite
import ETLPluginKit

/// The unique index a keyed load needs: `merge` upserts with `ON CONFLICT (key)`, which SQLite
/// only accepts when a unique index (or the PRIMARY KEY) covers exactly the key columns; `scd2`
/// keeps at most one current version per key with a partial unique index.
enum KeyIndex {
    /// Makes sure the index exists, creating it when no suitable one does.
    static func ensure(target: String, key: [String], layout: TableLayout, mode: WriteMode,
                       connection: SQLiteConnection, cache: SchemaCache) throws(PluginError) {
        let keySet = Set(key.map(SQLIdentifier.folded))
        let partial = mode == .scd2
        let name = (partial ? "etl_current_" : "etl_key_") + target
        let cacheKey = "\(SQLIdentifier.folded(target))|\(mode)|\(keySet.sorted().joined(separator: ","))"
        if cache.hasIndex(cacheKey) { return }
        if !partial && layout.primaryKeyColumns == keySet {
            cache.storeIndex(cacheKey)
            return
        }
        if let found = try existingIndex(target: target, columns: keySet, partial: partial, connection: connection) {
            if !partial || SQLIdentifier.folded(found) == SQLIdentifier.folded(name) {
                cache.storeIndex(cacheKey)
                return
            }
        }
        let columns = key.map(SQLIdentifier.quoted).joined(separator: ", ")
        var sql = "CREATE UNIQUE INDEX \(SQLIdentifier.quoted(name)) ON \(SQLIdentifier.quoted(target)) (\(columns))"
        if partial { sql += " WHERE \"_is_current\" = 1" }
        do throws(PluginError) {
            try connection.execute(sql, table: target)
        } catch {
            let keyText = key.map(SQLIdentifier.quoted).joined(separator: ", ")
            if error.code == .badData {
                throw .badData("target \(SQLIdentifier.quoted(target)) in \(connection.path) already holds rows with the same primary key (\(keyText))\(partial ? " marked current" : ""), so the unique index a \(mode) load needs cannot be built; remove the duplicates, or load into a new target. SQLite said: \(error.message)")
            }
            if error.message.contains("already exists") {
                throw .invalidConfig("target \(SQLIdentifier.quoted(target)) in \(connection.path): an index named \(SQLIdentifier.quoted(name)) exists but does not cover exactly the primary key (\(keyText)); drop or rename that index")
            }
            throw error
        }
        cache.storeIndex(cacheKey)
    }

    /// The name of a unique index on exactly `columns` (partial or not, as asked), if any.
    private static func existingIndex(target: String, columns: Set<String>, partial: Bool,
                                      connection: SQLiteConnection) throws(PluginError) -> String? {
        let list = try connection.prepare("SELECT name, \"unique\", partial FROM pragma_index_list(?1)", table: target)
        list.bind(text: target, at: 1)
        var candidates: [String] = []
        while try list.step(table: target) {
            if list.int64(1) == 1 && (list.int64(2) == 1) == partial, let name = list.text(0) {
                candidates.append(name)
            }
        }
        for name in candidates {
            let info = try connection.prepare("SELECT name FROM pragma_index_info(?1)", table: target)
            info.bind(text: name, at: 1)
            var indexed = Set<String>()
            var expression = false
            while try info.step(table: target) {
                // An expression column has a NULL name; such an index cannot serve ON CONFLICT.
                guard let column = info.text(0) else {
                    expression = true
                    continue
                }
                indexed.insert(SQLIdentifier.folded(column))
            }
            if !expression && indexed == columns { return name }
        }
        return nil
    }
}
