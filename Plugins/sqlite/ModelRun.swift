import CSQLite
import ETLArrow
import ETLPluginKit

/// Runs one SQL model entry inside the warehouse, in one `BEGIN IMMEDIATE` transaction holding
/// the result, the entry's state and its owner, so a failing query leaves the target and the
/// state exactly as they were.
///
/// - `table`: the query's rows are built under `_etl_build_<target>`, then the old target is
///   dropped and the build renamed to it, all inside the transaction (readers in WAL mode keep
///   the old table until the commit).
/// - `incremental`: the query's rows (with `{{watermark}}` bound) land in a TEMP table, then are
///   inserted, or merged on the primary key; the new watermark is the largest `cursor_field`
///   among them and is committed with them.
/// - `view`: the target is dropped and created again as a view of the query.
struct ModelRun {
    let request: ModelRequest
    let connection: SQLiteConnection
    let cache: SchemaCache
    let host: PluginHost

    func run() throws(PluginError) -> ModelResult {
        let target = request.target
        try SQLIdentifier.validate(target, what: "target")
        guard SQLIdentifier.folded(target) != SQLIdentifier.folded(StateTable.name) else {
            throw .invalidConfig("target \(SQLIdentifier.quoted(target)) is the table where the sink keeps resume states; choose another target name")
        }
        if request.materialization != .incremental, ModelSQL.usesWatermark(request.sql) {
            throw .invalidConfig("model \(JSONText.string(request.entryID)) uses {{watermark}}, which only materialize \"incremental\" fills; remove it or use materialize \"incremental\" with a cursor_field")
        }
        let sql = ModelSQL.embeddable(ModelSQL.binding(request.sql))
        let ownership = try LoadOwnership(request.options())
        try connection.execute("BEGIN IMMEDIATE", table: target)
        do throws(PluginError) {
            cache.synchronize(toVersion: try connection.integer("PRAGMA schema_version"))
            try StateTable.ensure(connection: connection, cache: cache)
            let ownershipRequest = LoadRequest(entryID: request.entryID, runID: request.runID, target: target,
                                               writeMode: .replace, schema: ArrowSchemaDescription(fields: []))
            try TargetOwnership.check(ownershipRequest, ownership: ownership, connection: connection, host: host)
            let reads = ModelLineage.tablesRead(by: sql, connection: connection)
            var rows: Int64 = 0
            var state: String?
            switch request.materialization {
            case .table: rows = try replaceTable(with: sql)
            case .view: try replaceView(with: sql)
            case .incremental: (rows, state) = try insertIncrement(of: sql)
            }
            try StateTable.write(state, entryID: request.entryID, runID: request.runID, target: target, rows: rows,
                                 owner: ownership.stateOwner, connection: connection)
            if ownership.takeOwnership, let owner = ownership.stateOwner {
                try StateTable.handOver(target: target, to: owner, connection: connection)
            }
            try connection.execute("COMMIT", table: target)
            cache.reset()
            return ModelResult(rows: rows, stateJSON: state, reads: reads)
        } catch {
            connection.rollbackIfOpen()
            cache.reset()
            throw error
        }
    }

    // MARK: Materializations

    private func replaceTable(with sql: String) throws(PluginError) -> Int64 {
        let target = request.target
        let build = SQLIdentifier.quoted(ModelSQL.buildTable(for: target))
        try connection.execute("DROP TABLE IF EXISTS \(build)", table: target)
        try runQuery("CREATE TABLE \(build) AS \(sql)")
        try dropTarget()
        // Legacy rename: SQLite then leaves the schema's views alone. A modern rename checks every
        // view, and one reading the target (dropped a moment ago) would fail it; once renamed,
        // such a view reads the new table, since views are bound by name.
        try connection.execute("PRAGMA legacy_alter_table = ON; ALTER TABLE \(build) RENAME TO \(SQLIdentifier.quoted(target)); PRAGMA legacy_alter_table = OFF",
                               table: target)
        return try connection.integer("SELECT count(*) FROM \(SQLIdentifier.quoted(target))", table: target)
    }

    private func replaceView(with sql: String) throws(PluginError) {
        try dropTarget()
        try runQuery("CREATE VIEW \(SQLIdentifier.quoted(request.target)) AS \(sql)")
        // SQLite checks a view's tables and columns only when it is used: use it once now, so
        // a view that cannot work is refused before it replaces the old one.
        _ = try userSQL { () throws(PluginError) in try connection.prepare("SELECT * FROM \(SQLIdentifier.quoted(request.target)) LIMIT 0") }
    }

    private func insertIncrement(of sql: String) throws(PluginError) -> (Int64, String?) {
        let target = request.target
        guard let cursorField = request.cursorField else {
            throw .invalidConfig("model \(JSONText.string(request.entryID)) with materialize \"incremental\" needs a cursor_field: the result column whose largest value becomes the watermark")
        }
        var watermark = try ModelWatermark.start(request, cursorField: cursorField)
        try connection.execute("DROP TABLE IF EXISTS \(ModelSQL.pendingRows)", table: target)
        try runQuery("CREATE TABLE \(ModelSQL.pendingRows) AS \(sql)", watermark: watermark.value)
        let pending = try pendingColumns()
        let folded = pending.map(SQLIdentifier.folded)
        for name in [cursorField] + request.primaryKey where !folded.contains(SQLIdentifier.folded(name)) {
            let list = pending.map(SQLIdentifier.quoted).joined(separator: ", ")
            throw .invalidConfig("model \(JSONText.string(request.entryID)): column \(SQLIdentifier.quoted(name)) (its cursor_field or primary_key) is not among the query's columns (\(list)); fix the entry or select the column")
        }
        try prepareIncrementTarget(columns: pending)
        let list = pending.map(SQLIdentifier.quoted).joined(separator: ", ")
        var insert = "INSERT INTO \(SQLIdentifier.quoted(target)) (\(list)) SELECT \(list) FROM \(ModelSQL.pendingRows)"
        if !request.primaryKey.isEmpty {
            let keySet = Set(request.primaryKey.map(SQLIdentifier.folded))
            let updates = pending.filter { !keySet.contains(SQLIdentifier.folded($0)) }
                .map { "\(SQLIdentifier.quoted($0)) = excluded.\(SQLIdentifier.quoted($0))" }
            let keys = request.primaryKey.map(SQLIdentifier.quoted).joined(separator: ", ")
            // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
            insert += " WHERE true ON CONFLICT (\(keys)) " + (updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))")
        }
        try connection.execute(insert, table: target)
        let rows = connection.changes
        let newest = try connection.prepare("SELECT max(\(SQLIdentifier.quoted(cursorField))) FROM \(ModelSQL.pendingRows)", table: target)
        _ = try newest.step(table: target)
        watermark.advance(to: newest.value(0))
        newest.reset()
        try connection.execute("DROP TABLE \(ModelSQL.pendingRows)", table: target)
        return (rows, watermark.json)
    }

    // MARK: Helpers

    /// Creates the incremental target from the pending rows' columns (their declared types), or
    /// adds the columns it lacks; with a primary key, makes sure a unique index covers it.
    private func prepareIncrementTarget(columns: [String]) throws(PluginError) {
        let target = request.target
        if try TableLayout.read(target, from: connection) == nil {
            try connection.execute("CREATE TABLE \(SQLIdentifier.quoted(target)) AS SELECT * FROM \(ModelSQL.pendingRows) WHERE 0", table: target)
        } else if let layout = try TableLayout.read(target, from: connection) {
            for name in columns where layout.column(named: name) == nil {
                try connection.execute("ALTER TABLE \(SQLIdentifier.quoted(target)) ADD COLUMN \(SQLIdentifier.quoted(name))", table: target)
            }
        }
        guard !request.primaryKey.isEmpty, let layout = try TableLayout.read(target, from: connection) else { return }
        try KeyIndex.ensure(target: target, key: request.primaryKey, layout: layout, mode: .merge,
                            connection: connection, cache: cache)
    }

    private func pendingColumns() throws(PluginError) -> [String] {
        let info = try connection.prepare("SELECT name FROM pragma_table_info('_etl_model_rows', 'temp')")
        var names: [String] = []
        while try info.step() { names.append(info.text(0) ?? "") }
        return names
    }

    /// Drops whatever the target is now (a table or a view): it is the model's.
    private func dropTarget() throws(PluginError) {
        let target = request.target
        let kind = try connection.prepare("SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')", table: target)
        kind.bind(text: target, at: 1)
        guard try kind.step(table: target), let type = kind.text(0) else { return }
        // A statement left on a row keeps the table in use, and SQLite refuses to drop it.
        kind.reset()
        try connection.execute("DROP \(type == "view" ? "VIEW" : "TABLE") \(SQLIdentifier.quoted(target))", table: target)
    }

    /// Runs a statement built around the user's query, with the watermark bound when it names it.
    private func runQuery(_ text: String, watermark: SQLValue? = nil) throws(PluginError) {
        let statement = try userSQL { () throws(PluginError) in try connection.prepare(text, table: request.target) }
        let index = sqlite3_bind_parameter_index(statement.handle, ModelSQL.parameter)
        if index > 0 { statement.bind(watermark, at: index) }
        _ = try userSQL { () throws(PluginError) in try statement.step(table: request.target) }
        statement.reset()
    }

    /// A plain SQL error (syntax, unknown table or column) in the user's query is the entry's to
    /// fix, so it is reported as a configuration mistake naming the entry.
    private func userSQL<T>(_ body: () throws(PluginError) -> T) throws(PluginError) -> T {
        do throws(PluginError) {
            return try body()
        } catch {
            guard sqlite3_extended_errcode(connection.handle) & 0xFF == SQLITE_ERROR else { throw error }
            throw .invalidConfig("the SQL of model \(JSONText.string(request.entryID)) failed, and \(SQLIdentifier.quoted(request.target)) was left as it was: \(error.message)")
        }
    }
}
