/// The statements a load runs for every row. Parameter ?i (1-based) is batch column i-1, so one
/// binding pass serves every statement of a mode; scd2 adds ?n+1, the load's timestamp.
enum LoadSQL {
    /// `INSERT INTO t (a, b) VALUES (?1, ?2)`.
    static func insert(into table: String, columns: [String]) -> String {
        "INSERT INTO \(SQLIdentifier.quoted(table)) (\(list(columns))) VALUES (\(parameters(columns.count)))"
    }

    /// `INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4), ...`: `rows` rows, parameters in row order.
    static func insert(into table: String, columns: [String], rows: Int) -> String {
        let tuples = (0..<rows).map { row in
            "(" + (1...max(columns.count, 1)).prefix(columns.count).map { "?\(row * columns.count + $0)" }.joined(separator: ", ") + ")"
        }
        return "INSERT INTO \(SQLIdentifier.quoted(table)) (\(list(columns))) VALUES \(tuples.joined(separator: ", "))"
    }

    /// An upsert on `key`: every non-key column takes the incoming value on conflict.
    static func upsert(into table: String, columns: [String], key: [String]) -> String {
        let keySet = Set(key.map(SQLIdentifier.folded))
        let updates = columns.filter { !keySet.contains(SQLIdentifier.folded($0)) }
            .map { "\(SQLIdentifier.quoted($0)) = excluded.\(SQLIdentifier.quoted($0))" }
        let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))"
        return insert(into: table, columns: columns) + " ON CONFLICT (\(list(key))) \(action)"
    }

    /// scd2, step 1: closes the current version of the row's key when any value differs
    /// (`IS` compares NULLs as equal).
    static func closeChangedVersion(in table: String, columns: [String], key: [String]) -> String {
        let time = columns.count + 1
        let keySet = Set(key.map(SQLIdentifier.folded))
        let keyMatch = keyCondition(columns: columns, key: key)
        let same = columns.enumerated().filter { !keySet.contains(SQLIdentifier.folded($0.element)) }
            .map { "\(SQLIdentifier.quoted($0.element)) IS ?\($0.offset + 1)" }
        let changed = same.isEmpty ? "0" : "NOT (\(same.joined(separator: " AND ")))"
        return "UPDATE \(SQLIdentifier.quoted(table)) SET \"_valid_to\" = ?\(time), \"_is_current\" = 0 WHERE \"_is_current\" = 1 AND \(keyMatch) AND \(changed)"
    }

    /// scd2, step 2: inserts the row as the current version unless its key still has one (it
    /// does when step 1 found the values unchanged).
    static func insertNewVersion(into table: String, columns: [String], key: [String]) -> String {
        let time = columns.count + 1
        let all = columns + ["_valid_from", "_valid_to", "_is_current"]
        return "INSERT INTO \(SQLIdentifier.quoted(table)) (\(list(all))) SELECT \(parameters(columns.count)), ?\(time), NULL, 1 WHERE NOT EXISTS (SELECT 1 FROM \(SQLIdentifier.quoted(table)) WHERE \"_is_current\" = 1 AND \(keyCondition(columns: columns, key: key)))"
    }

    private static func keyCondition(columns: [String], key: [String]) -> String {
        let folded = columns.map(SQLIdentifier.folded)
        return key.map { name -> String in
            let position = (folded.firstIndex(of: SQLIdentifier.folded(name)) ?? 0) + 1
            return "\(SQLIdentifier.quoted(name)) = ?\(position)"
        }.joined(separator: " AND ")
    }

    private static func list(_ names: [String]) -> String {
        names.map(SQLIdentifier.quoted).joined(separator: ", ")
    }

    private static func parameters(_ count: Int) -> String {
        (1...max(count, 1)).prefix(count).map { "?\($0)" }.joined(separator: ", ")
    }
}
