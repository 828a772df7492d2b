import ETLArrow
import ETLPluginKit

/// Runs one SQL model entry inside PostgreSQL, in one transaction holding the result, the
/// entry's state and its owner, so a failing query leaves the target and the state exactly as
/// they were (the server rolls everything back, also when the connection dies).
///
/// - `table`: the query's rows are built into a TEMP table first; when the target is a table
///   with the same columns, its rows are deleted and the new ones inserted (views on it keep
///   working, as for replace loads), otherwise it is dropped and created from the rows.
///   Readers see the old rows until commit.
/// - `incremental`: the query's rows (`{{watermark}}` bound as `$1`) are inserted, or merged on
///   the primary key; the new watermark is their largest `cursor_field`, committed with them.
/// - `view`: CREATE OR REPLACE VIEW; when PostgreSQL refuses that (columns changed, or the
///   target is a table), the target is dropped and the view created, in the transaction.
struct PGModelRun {
    let request: ModelRequest
    let connection: PostgresConnection
    let schema: String
    let host: PluginHost

    private var target: String { PGIdentifier.qualified(schema, request.target) }
    private var entry: String { PGModelSQL.jsonString(request.entryID) }

    func run() throws(PluginError) -> ModelResult {
        try PGIdentifier.validate(request.target, what: "target")
        guard request.target != PGStateTable.name else {
            throw .invalidConfig("target \(PGIdentifier.quoted(request.target)) is the table where the sink keeps resume states; choose another target name")
        }
        if request.materialization != .incremental, PGModelSQL.usesWatermark(request.sql) {
            throw .invalidConfig("model \(entry) uses {{watermark}}, which only materialize \"incremental\" fills; remove it or use materialize \"incremental\" with a cursor_field")
        }
        let sql = PGModelSQL.embeddable(PGModelSQL.binding(request.sql))
        let ownership = try LoadOwnership(request.options())
        let ownershipRequest = LoadRequest(entryID: request.entryID, runID: request.runID, target: request.target,
                                           writeMode: .replace, schema: ArrowSchemaDescription(fields: []))
        connection.rollbackIfOpen()
        try connection.execute("BEGIN", what: "starting model \(entry)")
        do throws(PluginError) {
            for lockKey in ["target \(schema).\(request.target)", "entry \(schema).\(request.entryID)"] {
                try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["etl-runtime \(lockKey)"],
                                     what: "waiting for the lock of \(lockKey)")
            }
            // Unqualified names in the query find the sink's schema first, as for post_sql.
            try connection.execute("SET LOCAL search_path TO \(PGIdentifier.quoted(schema)), public", what: "setting the search_path of model \(entry)")
            try PGStateTable.ensure(schema: schema, connection: connection)
            try PGTargetOwnership.check(ownershipRequest, ownership: ownership, schema: schema, connection: connection, host: host)
            var rows: Int64 = 0
            var state: String?
            var watermark: String?
            switch request.materialization {
            case .table: rows = try replaceTable(with: sql)
            case .view: try replaceView(with: sql)
            case .incremental:
                let done = try insertIncrement(of: sql)
                (rows, state, watermark) = (done.rows, done.state, done.watermark)
            }
            let reads = lineage(of: sql, watermark: watermark)
            try PGStateTable.write(state, request: ownershipRequest, rows: rows, owner: ownership.stateOwner, schema: schema, connection: connection)
            if ownership.takeOwnership, let owner = ownership.stateOwner {
                try PGStateTable.handOver(target: request.target, to: owner, schema: schema, connection: connection)
            }
            try connection.execute("COMMIT", what: "committing model \(entry)")
            return ModelResult(rows: rows, stateJSON: state, reads: reads)
        } catch {
            connection.rollbackIfOpen()
            throw error
        }
    }

    // MARK: Materializations

    private func replaceTable(with sql: String) throws(PluginError) -> Int64 {
        try userSQL("CREATE TEMP TABLE \(PGModelSQL.rowsTable) ON COMMIT DROP AS \(sql)")
        let built = try columns(of: "pg_temp", PGModelSQL.rowsTable)
        let existing = try kind()
        if existing == "r" || existing == "p", try columns(of: schema, request.target).map({ "\($0.name) \($0.type)" }) == built.map({ "\($0.name) \($0.type)" }) {
            // Same columns: keep the table itself, so views on it keep working.
            try connection.execute("DELETE FROM \(target)", what: "emptying \(target) for model \(entry)")
            return try connection.query("INSERT INTO \(target) SELECT * FROM \(PGModelSQL.rows)", what: "filling \(target) with the rows of model \(entry)").affected
        }
        if let existing { try drop(kind: existing) }
        try connection.execute("CREATE TABLE \(target) AS SELECT * FROM \(PGModelSQL.rows)", what: "creating \(target) from the rows of model \(entry)")
        return Int64(try connection.query("SELECT count(*) FROM \(target)", what: "counting the rows of \(target)").rows.first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    private func replaceView(with sql: String) throws(PluginError) {
        if try kind() == "v" {
            try connection.execute("SAVEPOINT etl_view", what: "model \(entry)")
            do throws(PluginError) {
                try userSQL("CREATE OR REPLACE VIEW \(target) AS \(sql)")
                try connection.execute("RELEASE SAVEPOINT etl_view", what: "model \(entry)")
                return
            } catch where error.message.contains("[SQLSTATE 42P16]") {
                // invalid_table_definition: columns dropped, renamed or retyped, which CREATE OR
                // REPLACE VIEW refuses. Any other error (the query's own) fails the model.
                try connection.execute("ROLLBACK TO SAVEPOINT etl_view", what: "model \(entry)")
            }
        }
        if let existing = try kind() { try drop(kind: existing) }
        try userSQL("CREATE VIEW \(target) AS \(sql)")
    }

    private func insertIncrement(of sql: String) throws(PluginError) -> (rows: Int64, state: String, watermark: String?) {
        guard let cursorField = request.cursorField else {
            throw .invalidConfig("model \(entry) with materialize \"incremental\" needs a cursor_field: the result column whose largest value becomes the watermark")
        }
        var watermark = try PGModelWatermark.start(request, cursorField: cursorField)
        let parameters: [String?] = PGModelSQL.usesWatermark(request.sql) ? [watermark.text] : []
        try userSQL("CREATE TEMP TABLE \(PGModelSQL.rowsTable) ON COMMIT DROP AS \(sql)", parameters)
        let pending = try columns(of: "pg_temp", PGModelSQL.rowsTable)
        let names = pending.map(\.name)
        for name in [cursorField] + request.primaryKey where !names.contains(name) {
            throw .invalidConfig("model \(entry): column \(PGIdentifier.quoted(name)) (its cursor_field or primary_key) is not among the query's columns (\(names.map(PGIdentifier.quoted).joined(separator: ", "))); fix the entry or select the column")
        }
        switch try kind() {
        case nil:
            try connection.execute("CREATE TABLE \(target) AS SELECT * FROM \(PGModelSQL.rows) WITH NO DATA", what: "creating \(target) for model \(entry)")
        case "r"?, "p"?:
            let present = Set(try columns(of: schema, request.target).map(\.name))
            let additions = pending.filter { !present.contains($0.name) }.map { "ADD COLUMN \(PGIdentifier.quoted($0.name)) \($0.type)" }
            if !additions.isEmpty {
                try connection.execute("ALTER TABLE \(target) \(additions.joined(separator: ", "))", what: "adding the new columns of model \(entry) to \(target)")
            }
        case let other?:
            throw .invalidConfig("target \(target) of the incremental model \(entry) is \(other == "v" ? "a view" : "not a table"); an incremental model adds rows to a table. Drop it, or choose another target")
        }
        let list = names.map(PGIdentifier.quoted).joined(separator: ", ")
        var insert = "INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(PGModelSQL.rows)"
        if !request.primaryKey.isEmpty {
            if let action = try MergeSQL.ensureKeyIndex(schema: schema, target: request.target, key: request.primaryKey, connection: connection) {
                host.info("\(connection.description): \(action)")
            }
            let keys = request.primaryKey.map(PGIdentifier.quoted).joined(separator: ", ")
            let keySet = Set(request.primaryKey)
            let updates = names.filter { !keySet.contains($0) }.map { "\(PGIdentifier.quoted($0)) = excluded.\(PGIdentifier.quoted($0))" }
            // One row per key (the last the query produced): ON CONFLICT may not touch a row twice.
            insert = "INSERT INTO \(target) (\(list)) SELECT DISTINCT ON (\(keys)) \(list) FROM \(PGModelSQL.rows) ORDER BY \(keys), ctid DESC ON CONFLICT (\(keys)) "
                + (updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))")
        }
        let rows = try connection.query(insert, what: "adding the rows of model \(entry) to \(target)").affected
        let cursorType = pending.first { $0.name == cursorField }?.type ?? "text"
        let cursor = PGIdentifier.quoted(cursorField)
        // The largest value, if it moves the watermark forward (compared in the column's type).
        let newest = try connection.query("""
            SELECT m::text, pg_typeof(m)::text FROM (SELECT max(\(cursor)) AS m FROM \(PGModelSQL.rows)) s \
            WHERE m IS NOT NULL AND ($1::text IS NULL OR m > CAST($1::text AS \(cursorType)))
            """, [watermark.text], what: "reading the new watermark of model \(entry)")
        if let row = newest.rows.first, let value = row[0] {
            watermark.text = value
            watermark.isNumber = ["smallint", "integer", "bigint", "numeric", "real", "double precision"].contains(row[1] ?? "")
        }
        return (rows, watermark.json, watermark.text)
    }

    // MARK: Helpers

    /// The relkind of the target ("r" table, "p" partitioned table, "v" view, ...), nil: none.
    private func kind() throws(PluginError) -> String? {
        try connection.query("""
            SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2
            """, [schema, request.target], what: "looking up \(target)").rows.first?.first ?? nil
    }

    /// Drops whatever the target is now (a table or a view): it is the model's.
    private func drop(kind: String) throws(PluginError) {
        let what = kind == "v" ? "VIEW" : kind == "m" ? "MATERIALIZED VIEW" : "TABLE"
        do throws(PluginError) {
            try connection.execute("DROP \(what) \(target)", what: "dropping \(target) to create it again for model \(entry)")
        } catch {
            throw PluginError(error.code, "\(error.message). Model \(entry) must recreate \(target) because its columns or kind changed; drop or adjust the objects that depend on it")
        }
    }

    /// Name and declared type of each column of a relation.
    private func columns(of schema: String, _ table: String) throws(PluginError) -> [(name: String, type: String)] {
        let found = try connection.query("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (n.nspname = $1 OR ($1 = 'pg_temp' AND n.oid = pg_my_temp_schema())) \
            AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [schema, table], what: "reading the columns of \(PGIdentifier.qualified(schema, table))")
        return found.rows.map { (name: $0[0] ?? "", type: $0[1] ?? "text") }
    }

    /// The tables the query reads, from the planner's own plan (`EXPLAIN (VERBOSE, FORMAT JSON)`):
    /// tables read through views count, the views themselves do not appear. Tables of the sink's
    /// schema by name, others as schema.table; nil when the plan cannot be had.
    private func lineage(of sql: String, watermark: String?) -> [String]? {
        do throws(PluginError) {
            try connection.execute("SAVEPOINT etl_lineage", what: "model \(entry)")
            let parameters: [String?] = PGModelSQL.usesWatermark(request.sql) ? [watermark] : []
            do throws(PluginError) {
                let plan = try connection.query("EXPLAIN (VERBOSE, FORMAT JSON) \(sql)", parameters, what: "planning model \(entry)")
                guard let json = plan.rows.first?.first ?? nil else { return nil }
                let found = try connection.query("""
                    SELECT DISTINCT CASE WHEN r->>'Schema' = $2 THEN r->>'Relation Name' ELSE (r->>'Schema') || '.' || (r->>'Relation Name') END \
                    FROM jsonb_path_query($1::jsonb, 'strict $.**') AS r WHERE jsonb_typeof(r) = 'object' AND r ? 'Relation Name' \
                    AND r->>'Schema' NOT LIKE 'pg\\_%' AND r->>'Schema' <> 'information_schema' ORDER BY 1
                    """, [json, schema], what: "reading the tables of model \(entry)")
                try connection.execute("RELEASE SAVEPOINT etl_lineage", what: "model \(entry)")
                return found.rows.compactMap { $0.first ?? nil }
            } catch {
                try connection.execute("ROLLBACK TO SAVEPOINT etl_lineage", what: "model \(entry)")
                host.debug("\(connection.description): no lineage for model \(entry): \(error.message)")
                return nil
            }
        } catch {
            return nil
        }
    }

    /// Runs a statement built around the user's query. A SQL mistake in it (syntax, unknown
    /// table or column, privilege) is the entry's to fix and says so.
    private func userSQL(_ text: String, _ parameters: [String?] = []) throws(PluginError) {
        do throws(PluginError) {
            try connection.query(text, parameters, what: "running the SQL of model \(entry)")
        } catch where error.code == .invalidConfig {
            throw .invalidConfig("the SQL of model \(entry) failed, and \(target) was left as it was: \(error.message)")
        }
    }
}
