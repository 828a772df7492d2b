import ETLPluginKit

/// merge: batches are copied into a temporary staging table (dropped at commit), then upserted
/// into the target in one statement. Within one load the last row of a key wins, as in the
/// sqlite sink: `_etl_seq` numbers the staged rows in arrival order. With a delete flag
/// (`delete_when`) a key whose last row is flagged is deleted instead: applying the rows one by
/// one would leave the same table, since only a key's last row decides its fate.
enum MergeSQL {
    static let stagingTable = "_etl_merge_stage"

    /// The staging table: the load's columns with exactly the target's types (so the COPY
    /// encodings chosen for the target fit it), the delete flag's boolean column when the load
    /// has one (never a target column), plus the arrival number.
    static func createStaging(target: String, columns: [String], deleteFlag: String? = nil) -> String {
        let list = columns.map(PGIdentifier.quoted).joined(separator: ", ")
        let flag = deleteFlag.map { "ALTER TABLE pg_temp.\(stagingTable) ADD COLUMN \(PGIdentifier.quoted($0)) boolean; " } ?? ""
        return """
            DROP TABLE IF EXISTS pg_temp.\(stagingTable); \
            CREATE TEMP TABLE \(stagingTable) ON COMMIT DROP AS SELECT \(list) FROM \(target) WITH NO DATA; \
            \(flag)ALTER TABLE pg_temp.\(stagingTable) ADD COLUMN _etl_seq bigint GENERATED ALWAYS AS IDENTITY
            """
    }

    /// The upsert of the staged rows, the last of each key only; keys whose last row is a
    /// delete are skipped (`deleteKeys` removes them). Without `onConflict` it is a plain
    /// insert, for a target known to be empty and locked against other writers: PostgreSQL's
    /// speculative insertion costs about twice a plain insert per row, which is most of a
    /// first merge of a large load.
    static func upsert(target: String, columns: [String], key: [String], deleteFlag: String? = nil, onConflict: Bool = true) -> String {
        let list = columns.map(PGIdentifier.quoted).joined(separator: ", ")
        let keyList = key.map(PGIdentifier.quoted).joined(separator: ", ")
        let keySet = Set(key)
        let updates = columns.filter { !keySet.contains($0) }.map { "\(PGIdentifier.quoted($0)) = excluded.\(PGIdentifier.quoted($0))" }
        let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))"
        let flag = deleteFlag.map { ", \(PGIdentifier.quoted($0)) AS _etl_delete" } ?? ""
        let kept = deleteFlag == nil ? "" : " WHERE last._etl_delete IS NOT TRUE"
        return """
            INSERT INTO \(target) (\(list)) SELECT \(list) FROM (SELECT DISTINCT ON (\(keyList)) \(list)\(flag) \
            FROM pg_temp.\(stagingTable) ORDER BY \(keyList), _etl_seq DESC) AS last\(kept)\(onConflict ? " ON CONFLICT (\(keyList)) \(action)" : "")
            """
    }

    /// Locks the target against other writers until the load commits (readers go on), so that
    /// a target found empty stays empty until the merge's insert.
    static func lockAgainstWriters(target: String) -> String {
        "LOCK TABLE \(target) IN SHARE ROW EXCLUSIVE MODE"
    }

    /// One row, `t` when the target has no row.
    static func isEmpty(target: String) -> String {
        "SELECT NOT EXISTS (SELECT 1 FROM \(target))"
    }

    /// Deletes the target's row of every key whose last staged row is flagged as a delete.
    static func deleteKeys(target: String, key: [String], deleteFlag: String) -> String {
        let keyList = key.map(PGIdentifier.quoted).joined(separator: ", ")
        let match = key.map { "tgt.\(PGIdentifier.quoted($0)) = last.\(PGIdentifier.quoted($0))" }.joined(separator: " AND ")
        return """
            DELETE FROM \(target) AS tgt USING (SELECT DISTINCT ON (\(keyList)) \(keyList), \(PGIdentifier.quoted(deleteFlag)) AS _etl_delete \
            FROM pg_temp.\(stagingTable) ORDER BY \(keyList), _etl_seq DESC) AS last WHERE \(match) AND last._etl_delete
            """
    }

    /// Creates the unique index ON CONFLICT needs, unless a unique index (or primary key or
    /// unique constraint) on exactly the key columns exists. Returns what it did, for the log.
    static func ensureKeyIndex(schema: String, target: String, key: [String], connection: PostgresConnection) throws(PluginError) -> String? {
        let name = PGIdentifier.qualified(schema, target)
        let indexes = try connection.query("""
            SELECT i.indexrelid::bigint, a.attname FROM pg_index i \
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
            WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND i.indisunique \
            AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indimmediate AND i.indnatts = i.indnkeyatts
            """, [schema, target], what: "reading the unique indexes of \(name)")
        var columnsByIndex: [String: Set<String>] = [:]
        for row in indexes.rows { columnsByIndex[row[0] ?? "", default: []].insert(row[1] ?? "") }
        if columnsByIndex.values.contains(Set(key)) { return nil }
        let indexName = keyIndexName(target: target, key: key)
        try connection.execute("CREATE UNIQUE INDEX \(PGIdentifier.quoted(indexName)) ON \(name) (\(key.map(PGIdentifier.quoted).joined(separator: ", ")))",
                               what: "creating the unique index on the merge key (\(key.joined(separator: ", "))) of \(name); rows already in the table must not repeat a key")
        return "created unique index \(PGIdentifier.quoted(indexName)) on \(name) for the merge key"
    }

    /// `etl_key_<target>_<hash of the key>`, within PostgreSQL's 63 bytes: a changed key gets an
    /// index of its own name instead of colliding with the old one.
    static func keyIndexName(target: String, key: [String]) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in key.joined(separator: "\u{1}").utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        var prefix = ""
        for character in target {
            if prefix.utf8.count + String(character).utf8.count > 44 { break }
            prefix.append(character)
        }
        let hex = String(hash, radix: 16)
        return "etl_key_\(prefix)_\(String(repeating: "0", count: 8 - hex.count))\(hex)"
    }
}
