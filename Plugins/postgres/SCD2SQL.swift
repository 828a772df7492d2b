/// scd2: batches are copied into merge's staging table, then a temporary PL/pgSQL function
/// applies the staged rows one by one in arrival order, on the server — the sqlite sink's
/// per-row rules, so several rows of one key in a load make the same history there and here:
///
/// * a row closes its key's current version when any value differs (NULLs compare equal) and
///   inserts itself as the new current version unless an unchanged one remains;
/// * a row flagged by `delete_when` closes its key's current version and stores nothing;
/// * with `valid_from_column` versions start and end at the row's value (read as UTC), and an
///   older row never ends a version that began after it; without, at the load's start time;
/// * with `close_missing`, current versions of keys the load lacked end at the load's time
///   (`closeMissing`, after the rows; not counted as loaded rows, as in the sqlite sink).
///
/// Every column reference is qualified (`tgt.`, `r.`) so that no column name can be taken for
/// one of the function's variables.
enum SCD2SQL {
    static let function = "pg_temp._etl_scd2_apply"
    /// Dollar-quote tag of the function body; a column name holding it is refused.
    static let bodyTag = "$etl_scd2_body$"

    /// What the SQL needs to know about the load.
    struct Plan {
        /// The schema-qualified, quoted target.
        var target: String
        /// The stored columns (no history columns, no delete flag).
        var columns: [String]
        var key: [String]
        /// Columns whose type has no equality operator (json): compared as text.
        var textCompared: Set<String> = []
        var validFromColumn: String?
        /// The valid_from column holds text, which may not parse as a timestamp.
        var validFromIsText = false
        var deleteFlag: String?
        var closeMissing = false
    }

    /// CREATE OR REPLACE of the function `function(load_time timestamptz) RETURNS bigint`: the
    /// number of versions the rows inserted, plus those their delete flags closed. TimeZone is UTC inside it, so dates and
    /// zone-less text start versions at UTC midnight / UTC time.
    static func createFunction(_ plan: Plan) -> String {
        let q = PGIdentifier.quoted
        let keySet = Set(plan.key)
        let keyMatch = plan.key.map { "tgt.\(q($0)) = _etl_r.\(q($0))" }.joined(separator: " AND ")
        let same = plan.columns.filter { !keySet.contains($0) }.map { name -> String in
            plan.textCompared.contains(name)
                ? "tgt.\(q(name))::text IS NOT DISTINCT FROM _etl_r.\(q(name))::text"
                : "tgt.\(q(name)) IS NOT DISTINCT FROM _etl_r.\(q(name))"
        }
        let changed = same.isEmpty ? "false" : "NOT (\(same.joined(separator: " AND ")))"
        var dating = "_etl_time := \(plan.validFromColumn.map { "CAST(_etl_r.\(q($0)) AS timestamptz)" } ?? "_etl_load_time");"
        if let column = plan.validFromColumn, plan.validFromIsText {
            // Text that is no timestamp fails the load naming its row and value (the cast's own
            // error names neither). The sub-block costs a savepoint per row: text columns only.
            let message = "row %s of the load has %L in valid_from_column \(q(column)), which PostgreSQL cannot read as a timestamp (%s); "
                + "write it like 2024-01-31 or 2024-01-31 12:00:00+00, or cast the column in the source's columns"
            dating = """
                BEGIN \(dating)
                EXCEPTION WHEN data_exception THEN
                  RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = format(\(PGIdentifier.literal(message)), _etl_r._etl_seq, _etl_r.\(q(column)), SQLERRM);
                END;
                """
        }
        let ordered = plan.validFromColumn == nil ? "" : " AND tgt.\"_valid_from\" <= _etl_time"
        let close = "UPDATE \(plan.target) AS tgt SET \"_valid_to\" = _etl_time, \"_is_current\" = false WHERE tgt.\"_is_current\" AND \(keyMatch)"
        let list = (plan.columns + ["_valid_from", "_valid_to", "_is_current"]).map(q).joined(separator: ", ")
        let values = plan.columns.map { "_etl_r.\(q($0))" }.joined(separator: ", ")
        let insert = """
            INSERT INTO \(plan.target) (\(list)) SELECT \(values), _etl_time, NULL, true \
            WHERE NOT EXISTS (SELECT 1 FROM \(plan.target) AS tgt WHERE tgt."_is_current" AND \(keyMatch));
            """
        let upsertRow = """
            \(close) AND \(changed)\(ordered);
                GET DIAGNOSTICS _etl_rows = ROW_COUNT;
                \(insert)
                GET DIAGNOSTICS _etl_rows = ROW_COUNT; _etl_count := _etl_count + _etl_rows;
            """
        let body: String
        if let flag = plan.deleteFlag {
            body = """
                IF _etl_r.\(q(flag)) IS TRUE THEN
                  \(close)\(ordered);
                  GET DIAGNOSTICS _etl_rows = ROW_COUNT; _etl_count := _etl_count + _etl_rows;
                ELSE
                  \(upsertRow)
                END IF;
                """
        } else {
            body = upsertRow
        }
        return """
            CREATE OR REPLACE FUNCTION \(function)(_etl_load_time timestamptz) RETURNS bigint LANGUAGE plpgsql SET "TimeZone" TO 'UTC' AS \(bodyTag)
            DECLARE _etl_r record; _etl_time timestamptz; _etl_rows bigint; _etl_count bigint := 0;
            BEGIN
              FOR _etl_r IN SELECT * FROM pg_temp.\(MergeSQL.stagingTable) ORDER BY _etl_seq LOOP
                \(dating)
                \(body)
              END LOOP;
              RETURN _etl_count;
            END
            \(bodyTag)
            """
    }

    /// close_missing: ends, at the load's start, the current version of every key the load did
    /// not deliver as data (a key flagged as a delete was closed by its row already).
    static func closeMissing(_ plan: Plan) -> String {
        let seen = plan.key.map { "s.\(PGIdentifier.quoted($0)) = tgt.\(PGIdentifier.quoted($0))" }.joined(separator: " AND ")
        let loaded = plan.deleteFlag.map { " AND s.\(PGIdentifier.quoted($0)) IS NOT TRUE" } ?? ""
        return """
            UPDATE \(plan.target) AS tgt SET "_valid_to" = transaction_timestamp(), "_is_current" = false WHERE tgt."_is_current" \
            AND NOT EXISTS (SELECT 1 FROM pg_temp.\(MergeSQL.stagingTable) AS s WHERE \(seen)\(loaded))
            """
    }

    /// The first staged row (1-based, arrival order) whose valid_from value is NULL.
    static func firstNullValidFrom(_ column: String) -> String {
        "SELECT _etl_seq FROM pg_temp.\(MergeSQL.stagingTable) WHERE \(PGIdentifier.quoted(column)) IS NULL ORDER BY _etl_seq LIMIT 1"
    }

    /// The partial index that finds a key's current version (each staged row looks it up).
    static func currentVersionIndex(schema: String, target: String, key: [String]) -> String {
        let name = "etl_cur_" + MergeSQL.keyIndexName(target: target, key: key).dropFirst("etl_key_".count)
        return "CREATE INDEX IF NOT EXISTS \(PGIdentifier.quoted(String(name))) ON \(PGIdentifier.qualified(schema, target)) (\(key.map(PGIdentifier.quoted).joined(separator: ", "))) WHERE \"_is_current\""
    }
}
