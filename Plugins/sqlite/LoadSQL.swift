/// The statements a load runs for every row. Parameter ?i (1-based) is batch column i-1, so one
/// binding pass serves every statement of a mode; scd2 adds ?n+1, the load's timestamp, unless
/// a `valid_from` column dates the versions (its own parameter is then used).
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
    /// (`IS` compares NULLs as equal). With `validFrom` (a batch column index) the version ends
    /// at the row's effective date, and only a row dated at or after the current version's start
    /// closes it: an older record must not end history before it began.
    static func closeChangedVersion(in table: String, columns: [String], key: [String], validFrom: Int? = nil) -> String {
        let time = validFrom.map { $0 + 1 } ?? columns.count + 1
        let keySet = Set(key.map(SQLIdentifier.folded))
        let keyMatch = keyCondition(columns: columns, key: key)
        let same = columns.enumerated().filter { !keySet.contains(SQLIdentifier.folded($0.element)) }
            .map { "\(SQLIdentifier.quoted($0.element)) IS ?\($0.offset + 1)" }
        let changed = same.isEmpty ? "0" : "NOT (\(same.joined(separator: " AND ")))"
        let ordered = validFrom == nil ? "" : " AND \"_valid_from\" <= ?\(time)"
        return "UPDATE \(SQLIdentifier.quoted(table)) SET \"_valid_to\" = ?\(time), \"_is_current\" = 0 WHERE \"_is_current\" = 1 AND \(keyMatch) AND \(changed)\(ordered)"
    }

    /// scd2, step 2: inserts the row as the current version unless its key still has one (it
    /// does when step 1 found the values unchanged).
    static func insertNewVersion(into table: String, columns: [String], key: [String], validFrom: Int? = nil) -> String {
        let time = validFrom.map { $0 + 1 } ?? columns.count + 1
        let all = columns + ["_valid_from", "_valid_to", "_is_current"]
        return "INSERT INTO \(SQLIdentifier.quoted(table)) (\(list(all))) SELECT \(parameters(columns.count)), ?\(time), NULL, 1 WHERE NOT EXISTS (SELECT 1 FROM \(SQLIdentifier.quoted(table)) WHERE \"_is_current\" = 1 AND \(keyCondition(columns: columns, key: key)))"
    }

    /// merge, a row flagged as a delete: removes the row of its key (none: nothing happens).
    static func deleteKey(from table: String, columns: [String], key: [String]) -> String {
        "DELETE FROM \(SQLIdentifier.quoted(table)) WHERE \(keyCondition(columns: columns, key: key)) AND \(namesLastColumn(columns))"
    }

    /// scd2, a row flagged as a delete: closes its key's current version at ?n+1 (the load's
    /// time) or at the row's `validFrom` column, which, as for a change, must not be earlier than
    /// the version's start. A key without a current version is left alone.
    static func closeDeletedVersion(in table: String, columns: [String], key: [String], validFrom: Int? = nil) -> String {
        let time = validFrom.map { $0 + 1 } ?? columns.count + 1
        let ordered = validFrom == nil ? "" : " AND \"_valid_from\" <= ?\(time)"
        return "UPDATE \(SQLIdentifier.quoted(table)) SET \"_valid_to\" = ?\(time), \"_is_current\" = 0 WHERE \"_is_current\" = 1 AND \(keyCondition(columns: columns, key: key))\(ordered) AND \(namesLastColumn(columns))"
    }

    /// An always-true test naming ?n: every batch column is bound to every statement of the
    /// load, and SQLite refuses a parameter beyond the highest one a statement uses.
    private static func namesLastColumn(_ columns: [String]) -> String {
        "(?\(columns.count) IS NULL OR ?\(columns.count) IS NOT NULL)"
    }

    /// close_missing: the table of keys an scd2 snapshot delivered (a TEMP table, private to the
    /// connection and gone with it).
    static func seenKeysTable(for table: String) -> String {
        "temp." + SQLIdentifier.quoted("_etl_seen_" + table)
    }

    /// close_missing: creates the (emptied) table of keys seen by this load.
    static func createSeenKeys(for table: String, key: [String]) -> String {
        "DROP TABLE IF EXISTS \(seenKeysTable(for: table)); CREATE TABLE \(seenKeysTable(for: table)) (\(list(key)))"
    }

    /// close_missing: records the row's key. ?i are the batch columns, as for every statement;
    /// the always-true test names ?n because every column is bound to every statement of the
    /// load, and SQLite refuses a parameter beyond the highest one a statement uses.
    static func recordSeenKey(for table: String, columns: [String], key: [String]) -> String {
        let folded = columns.map(SQLIdentifier.folded)
        let values = key.map { "?\((folded.firstIndex(of: SQLIdentifier.folded($0)) ?? 0) + 1)" }
        let last = "?\(columns.count)"
        return "INSERT INTO \(seenKeysTable(for: table)) (\(list(key))) SELECT \(values.joined(separator: ", ")) WHERE \(last) IS NULL OR \(last) IS NOT NULL"
    }

    /// close_missing, at commit: closes, at ?1, the current version of every key the load lacked.
    static func closeMissingKeys(in table: String, key: [String]) -> String {
        let match = key.map { "s.\(SQLIdentifier.quoted($0)) = t.\(SQLIdentifier.quoted($0))" }.joined(separator: " AND ")
        return "UPDATE \(SQLIdentifier.quoted(table)) AS t SET \"_valid_to\" = ?1, \"_is_current\" = 0 WHERE \"_is_current\" = 1 AND NOT EXISTS (SELECT 1 FROM \(seenKeysTable(for: table)) AS s WHERE \(match))"
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
