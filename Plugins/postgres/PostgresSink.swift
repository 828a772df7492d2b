import ETLArrow
import ETLPluginKit

/// The `postgres` sink: loads batches into PostgreSQL tables over libpq with
/// `COPY ... FROM STDIN (FORMAT binary)`.
///
/// Each load is one transaction holding the table changes, the rows and the entry's resume state
/// (`_etl_state`), so a load is all or nothing and the state always matches the data — a killed
/// worker's connection drops and the server rolls its transaction back. `replace` deletes the old
/// rows and copies the new ones inside that transaction (readers keep seeing the old rows until
/// commit, under MVCC, and views on the table keep working: no rename swap, which PostgreSQL views
/// would not follow; `options.replace_by` truncates instead, PGReplaceMethod), `append` copies, `merge` copies into a staging table and upserts with
/// `INSERT ... ON CONFLICT`, `append` with `options.replace_partitions` copies into the staging
/// table and replaces the partitions it delivers (PGPartitionReplace), `scd2` copies into the staging table and applies the rows in order
/// with a temporary PL/pgSQL function (SCD2SQL). A `delete_column` flag (ETL_CAP_DELETES) is
/// staged with the rows and never stored. Loads of one target are serialized by a transaction
/// advisory lock.
///
/// The server is reached lazily (on `check`, `begin`, `readState`, `executeSQL`), so `validate`
/// does not need it, and again after a broken connection (a server restart between loads).
final class PostgresSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "postgres",
        version: "0.1.0",
        description: "Loads tables into PostgreSQL with binary COPY: replace, append, merge (upsert), scd2; state in the same transaction",
        capabilities: [.replace, .append, .merge, .scd2, .transactional, .sql, .models, .deletes],
        configSchema: PostgresSinkSettings.schema,
        entryOptionsSchema: PGPartitionReplace.schema)

    private let settings: PostgresSinkSettings
    private let host: PluginHost
    private var openConnection: PostgresConnection?
    private var resolvedSchema: String?
    private var load: PGLoad?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try PostgresSinkSettings(config)
        self.host = host
    }

    /// Proves the server can be reached and logged into, and the schema used.
    func check() throws(PluginError) {
        guard load == nil else { return }
        let connection = try connection()
        let schema = try schema(connection)
        let allowed = try connection.query("""
            SELECT CASE WHEN to_regnamespace(quote_ident($1)) IS NULL THEN has_database_privilege(current_database(), 'CREATE') \
            ELSE has_schema_privilege(quote_ident($1), 'CREATE') END
            """, [schema], what: "checking the privileges on schema \(PGIdentifier.quoted(schema))")
        if allowed.rows.first?.first != "t" {
            throw .invalidConfig("\(connection.description): the role may not create tables in schema \(PGIdentifier.quoted(schema)); GRANT CREATE ON SCHEMA \(PGIdentifier.quoted(schema)) to it, or choose another schema")
        }
    }

    /// `begin`'s checks of the request, which need no server: `validate` and `run --dry-run`
    /// ask them before any run. Without the columns, only those that need none.
    func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError) {
        guard schemaKnown else {
            _ = try PGReplaceMethod(request)
            _ = try LoadOwnership(request.options())
            _ = try PGPartitionReplace(request, fields: nil)
            return
        }
        _ = try CheckedRequest(request)
    }

    /// What `begin` reads from the request before it asks the server, checked: one code for
    /// `begin` and `checkLoad`, so validate refuses exactly what a load would.
    private struct CheckedRequest {
        /// The stored columns: the delete flag (the last batch column, when asked for) is none.
        /// The index of the batches' delete flag column, when the load asks for deletes.
        let deleteFlag: Int?
        let fields: [ArrowField]
        let key: [String]
        let scd2: PGSCD2Options
        let partitions: PGPartitionReplace?
        let replaceMethod: PGReplaceMethod
        let ownership: LoadOwnership

        init(_ request: LoadRequest) throws(PluginError) {
            deleteFlag = try PGDeleteColumn.index(of: request)
            fields = Array(request.schema.fields.prefix(deleteFlag ?? request.schema.fields.count))
            key = try PostgresSink.validate(request, fields: fields)
            scd2 = try PGSCD2Options(request, fields: fields)
            partitions = try PGPartitionReplace(request, fields: fields)
            replaceMethod = try PGReplaceMethod(request)
            ownership = try LoadOwnership(request.options())
        }
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        let checked = try CheckedRequest(request)
        let (deleteFlag, fields, key, scd2, partitions, replaceMethod, ownership) = (checked.deleteFlag, checked.fields, checked.key,
            checked.scd2, checked.partitions, checked.replaceMethod, checked.ownership)
        // A swap's lanes connect while this connection reads the catalog (unused, and closed,
        // when the target turns out not to be swappable).
        let laneConnector = request.writeMode == .replace && replaceMethod == .swap
            ? PGLaneConnector(count: PGSwapLoad.connections, settings: settings, host: host) : nil
        let connection = try connectionForLoad()
        let schema = try schema(connection)
        let target = PGIdentifier.qualified(schema, request.target)
        try connection.execute("BEGIN", what: "starting the load into \(target)")
        do throws(PluginError) {
            // Target first, then entry: every load takes them in this order, so two loads never
            // wait on each other in a cycle.
            for lockKey in ["target \(schema).\(request.target)", "entry \(schema).\(request.entryID)"] {
                try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["etl-runtime \(lockKey)"],
                                     what: "waiting for the lock of \(lockKey)")
            }
            try PGStateTable.ensure(schema: schema, connection: connection)
            try PGTargetOwnership.check(request, ownership: ownership, schema: schema, connection: connection, host: host)
            if request.writeMode == .scd2 {
                try Self.requireHistoryColumns(schema: schema, target: request.target, connection: connection)
            }
            let stored = request.writeMode == .scd2 ? fields + PGSCD2Options.historyColumns : fields
            let prepared = try PGTargetPreparation.prepare(schema: schema, target: request.target, fields: stored,
                                                           mode: request.writeMode, connection: connection)
            for action in prepared.actions { host.info("\(connection.description): \(action)") }
            // A table created or emptied by TRUNCATE in this transaction may take its rows frozen
            // (COPY FREEZE): no other transaction can see them before the commit either way.
            var freezes = prepared.emptied
            var swap: PGSwapLoad?
            if request.writeMode == .replace && replaceMethod == .swap {
                let candidate = PGSwapLoad(schema: schema, target: request.target)
                if let obstacle = try candidate.obstacle(connection: connection) {
                    host.info("\(connection.description): replacing the rows of \(target) by delete, not by swap (options.replace_by), because \(obstacle)")
                } else {
                    swap = candidate
                }
            }
            if let swap {
                load = try beginSwap(swap, request: request, ownership: ownership, columns: try Self.copyColumns(
                    request, layout: prepared.layout, key: key, target: target, deleteFlag: deleteFlag), connection: connection,
                    lanes: laneConnector)
                return
            }
            if request.writeMode == .replace && !prepared.emptied {
                // DELETE by default, not TRUNCATE: TRUNCATE blocks every reader until commit and
                // shows an empty table to transactions whose snapshot predates it (PGReplaceMethod).
                var method = replaceMethod
                // PostgreSQL refuses to TRUNCATE a table another table's foreign key references,
                // whatever the rows: `validate` cannot see that, so the run deletes instead of failing.
                if method == .truncate, let referencing = try Self.foreignKeyReferencing(target, connection: connection) {
                    host.info("\(connection.description): replacing the rows of \(target) by delete, not by truncate (options.replace_by), because PostgreSQL cannot truncate a table that a foreign key references (\(referencing))")
                    method = .delete
                }
                switch method {
                case .delete, .swap:
                    try connection.execute("DELETE FROM \(target)", what: "emptying \(target) for the replace")
                case .truncate:
                    try connection.execute("TRUNCATE \(target)", what: "truncating \(target) for the replace (options.replace_by)")
                    // PostgreSQL freezes rows only in a plain table's own file, not across partitions.
                    freezes = try connection.query("SELECT relkind::text FROM pg_class WHERE oid = $1::regclass", [target],
                                                   what: "reading the kind of \(target)").rows.first?.first == "r"
                }
            }
            let names = fields.map(\.name)
            let flagName = deleteFlag.map { request.schema.fields[$0].name }
            let columns = try Self.copyColumns(request, layout: prepared.layout, key: key, target: target, deleteFlag: deleteFlag)
            let list = request.schema.fields.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
            var copyInto = target
            var apply: PGStagedApply?
            if let partitions {
                try connection.execute(MergeSQL.createStaging(target: target, columns: names),
                                       what: "creating the staging table of the partition replace into \(target)")
                copyInto = "pg_temp.\(MergeSQL.stagingTable)"
                apply = PGStagedApply(partitions: (partitions, names))
            }
            if request.writeMode == .merge || request.writeMode == .scd2 {
                if request.writeMode == .merge, let action = try MergeSQL.ensureKeyIndex(schema: schema, target: request.target, key: key, connection: connection) {
                    host.info("\(connection.description): \(action)")
                }
                try connection.execute(MergeSQL.createStaging(target: target, columns: names, deleteFlag: flagName),
                                       what: "creating the staging table of the \(request.writeMode) into \(target)")
                copyInto = "pg_temp.\(MergeSQL.stagingTable)"
                if request.writeMode == .merge {
                    apply = PGStagedApply(deleteSQL: flagName.map { MergeSQL.deleteKeys(target: target, key: key, deleteFlag: $0) },
                                          upsertSQL: MergeSQL.upsert(target: target, columns: names, key: key, deleteFlag: flagName),
                                          insertIntoEmptySQL: MergeSQL.upsert(target: target, columns: names, key: key, deleteFlag: flagName,
                                                                              onConflict: false))
                } else {
                    try connection.execute(SCD2SQL.currentVersionIndex(schema: schema, target: request.target, key: key),
                                           what: "creating the index of current versions of \(target)")
                    let textCompared = Set(prepared.layout.columns.filter { $0.typeOID == PGType.json }.map(\.name))
                    apply = PGStagedApply(scd2: SCD2SQL.Plan(target: target, columns: names, key: key, textCompared: textCompared,
                                                             validFromColumn: scd2.validFromColumn,
                                                             validFromIsText: fields.contains { $0.name == scd2.validFromColumn && $0.type == .utf8 },
                                                             deleteFlag: flagName,
                                                             closeMissing: scd2.closeMissing))
                }
            }
            load = PGLoad(request: request, ownership: ownership, target: target,
                          copySQL: "COPY \(copyInto) (\(list)) FROM STDIN (FORMAT binary\(freezes && copyInto == target ? ", FREEZE" : ""))",
                          columns: columns, apply: apply)
        } catch {
            connection.rollbackIfOpen()
            throw error
        }
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard let load else { throw .internalError("write without an open load") }
        if let failure = load.failure {
            throw PluginError(failure.code, "the load into \(load.target) already failed and was rolled back; abort it. The first error was: \(failure.message)")
        }
        try host.throwIfCancelled("loading table \(load.target)")
        guard batch.rowCount > 0 else { return }
        do throws(PluginError) {
            let connection = try openConnectionOfLoad()
            if load.copy == nil {
                load.copy = load.lanes.isEmpty
                    ? try CopyIn(load.copySQL, on: connection, what: "copying rows into \(load.target)")
                    : try CopyLanes(load.copySQL, on: load.lanes, what: "copying rows into the staging table of \(load.target)")
            }
            guard let copy = load.copy else { return }
            try CopyRowEncoder.encode(batch, columns: load.columns, firstRow: load.rowsWritten, target: load.target,
                                      into: copy.buffer, flush: copy.flush)
            load.rowsWritten += Int64(batch.rowCount)
        } catch {
            load.failure = error
            load.copy?.cancel(error.message)
            openConnection?.rollbackIfOpen()
            throw error
        }
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        guard let load else { throw .internalError("commit without an open load") }
        self.load = nil
        if let failure = load.failure {
            openConnection?.rollbackIfOpen()
            Self.dropStage(of: load)
            throw PluginError(failure.code, "nothing was committed to \(load.target): a statement of the load failed, so the whole load was rolled back. The error was: \(failure.message)")
        }
        var affected = load.rowsWritten
        do throws(PluginError) {
            let connection = try openConnectionOfLoad()
            if let copy = load.copy {
                let copied = try copy.finish()
                guard copied == load.rowsWritten else {
                    throw .internalError("\(connection.description): the server copied \(copied) rows into \(load.target) but \(load.rowsWritten) were sent; nothing was committed")
                }
            }
            if let swap = load.swap { try swap.swapIn(connection: connection) }
            if let apply = load.apply {
                let applied = try apply.run(on: connection, target: load.target)
                affected = applied.affected
                if applied.closedMissing > 0 {
                    host.info("\(connection.description): closed the current version of \(applied.closedMissing) key(s) missing from the snapshot loaded into \(load.target)")
                }
            }
            let schema = try self.schema(connection)
            try PGStateTable.write(state, request: load.request, rows: affected, owner: load.ownership.stateOwner,
                                   schema: schema, connection: connection)
            if load.ownership.takeOwnership, let owner = load.ownership.stateOwner {
                try PGStateTable.handOver(target: load.request.target, to: owner, schema: schema, connection: connection)
            }
            try connection.execute("COMMIT", what: "committing the load into \(load.target)")
        } catch {
            openConnection?.rollbackIfOpen()
            Self.dropStage(of: load)
            throw error
        }
        host.debug("\(openConnection?.description ?? settings.description): committed \(affected) rows to \(load.target) (\(load.request.writeMode))")
        return affected
    }

    func abort() throws(PluginError) {
        guard let load else { return }
        self.load = nil
        load.copy?.cancel("the load was aborted")
        Self.dropStage(of: load)
        if let problem = openConnection?.rollbackIfOpen() {
            throw .ioError("rolling back the load into \(load.target) failed: \(problem); the server rolls the transaction back when the connection closes")
        }
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        let connection = try connection()
        return try PGStateTable.read(entryID: entryID, schema: try schema(connection), connection: connection)
    }

    /// Runs `sql` (an entry's post_sql) in a transaction of its own; SQL that commits itself is
    /// allowed. A SQL error (syntax, unknown table, privilege) is the entry's to fix.
    func executeSQL(_ sql: String) throws(PluginError) {
        if let load {
            throw .internalError("execute_sql was called while the load into \(load.target) is open; commit or abort it first")
        }
        let connection = try connection()
        do throws(PluginError) {
            try connection.execute("BEGIN", what: "starting post_sql")
            if let schema = settings.schema {
                // Unqualified names in the SQL find the sink's tables first.
                try connection.execute("SET LOCAL search_path TO \(PGIdentifier.quoted(schema)), public", what: "setting the search_path for post_sql")
            }
            try connection.execute(sql, what: "running post_sql")
            if connection.inTransaction { try connection.execute("COMMIT", what: "committing post_sql") }
        } catch {
            connection.rollbackIfOpen()
            throw PluginError(error.code, "post_sql failed and was rolled back: \(error.message)")
        }
    }

    /// Runs a SQL model entry (ETL_CAP_MODELS) in a transaction of its own; see PGModelRun.
    func runModel(_ request: ModelRequest) throws(PluginError) -> ModelResult {
        if let load {
            throw .internalError("run_model was called while the load into \(load.target) is open; commit or abort it first")
        }
        let connection = try connection()
        return try PGModelRun(request: request, connection: connection, schema: try schema(connection), host: host).run()
    }

    /// A swap load: connections of its own copy into a staging table they create and commit
    /// (PGSwapLoad); the load's transaction, which holds the target's lock, swaps it in at commit.
    private func beginSwap(_ swap: PGSwapLoad, request: LoadRequest, ownership: LoadOwnership, columns: [CopyColumn],
                           connection: PostgresConnection, lanes connector: PGLaneConnector?) throws(PluginError) -> PGLoad {
        // The load's transaction waits idle while the other connections copy: a server's
        // idle_in_transaction_session_timeout must not end it (and the load) halfway.
        try connection.execute("SET LOCAL idle_in_transaction_session_timeout = 0",
                               what: "keeping the load's transaction open while the rows are copied")
        let createSQL = try swap.createStageSQL(connection: connection)
        let lanes = try (connector ?? PGLaneConnector(count: PGSwapLoad.connections, settings: settings, host: host)).take()
        try swap.createStage(createSQL, connection: lanes[0])
        let list = request.schema.fields.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
        host.debug("\(connection.description): copying into \(swap.qualifiedStage) over \(lanes.count) connections, to swap it in for \(swap.qualifiedTarget)")
        return PGLoad(request: request, ownership: ownership, target: swap.qualifiedTarget,
                      copySQL: "COPY \(swap.qualifiedStage) (\(list)) FROM STDIN (FORMAT binary)",
                      columns: columns, apply: nil, swap: swap, lanes: lanes)
    }

    /// A foreign key of another table that references `target` ("constraint c on table t"), if any.
    private static func foreignKeyReferencing(_ target: String, connection: PostgresConnection) throws(PluginError) -> String? {
        try connection.query("""
            SELECT format('constraint %I on table %s', conname, conrelid::regclass) FROM pg_constraint \
            WHERE contype = 'f' AND confrelid = $1::regclass AND conrelid <> confrelid ORDER BY conname LIMIT 1
            """, [target], what: "looking for foreign keys that reference \(target)").rows.first?.first ?? nil
    }

    /// After a failed swap load: its staging table goes (the next load would drop it anyway).
    private static func dropStage(of load: PGLoad) {
        guard let swap = load.swap, let lane = load.lanes.first(where: { !$0.isBroken }) else { return }
        load.copy?.cancel("the load failed")
        swap.dropStage(connection: lane)
    }

    /// The connection a new load starts on. A transaction left open (a load the host never
    /// ended, or one whose rollback found the server gone) would swallow the load's BEGIN; and a
    /// connection the server dropped since its last statement (a restart between loads, or
    /// during a swap load, which copies on other connections) looks alive until used: an empty
    /// statement finds out, so the load reconnects instead of failing.
    private func connectionForLoad() throws(PluginError) -> PostgresConnection {
        let current = try connection()
        current.rollbackIfOpen()
        do throws(PluginError) {
            try current.execute("", what: "checking the connection")
            return current
        } catch {
            // libpq may leave the status OK after a read of the closed socket: drop it either way.
            host.info("\(current.description): the connection broke (\(error.message)); connecting again")
            openConnection = nil
            resolvedSchema = nil
            return try connection()
        }
    }

    /// The connection, made (again) when there is none or it broke.
    private func connection() throws(PluginError) -> PostgresConnection {
        if let openConnection, !openConnection.isBroken { return openConnection }
        if openConnection != nil { host.info("\(settings.description): the connection broke; connecting again") }
        openConnection = nil
        resolvedSchema = nil
        let made = try PostgresConnection(settings: settings, host: host)
        openConnection = made
        return made
    }

    /// The connection an open load runs on: it is not replaced mid-load (the transaction died
    /// with a broken one).
    private func openConnectionOfLoad() throws(PluginError) -> PostgresConnection {
        guard let openConnection else { throw .internalError("the load's connection is gone") }
        return openConnection
    }

    /// The configured schema, or the connection's current one (the first of its search_path).
    private func schema(_ connection: PostgresConnection) throws(PluginError) -> String {
        if let schema = settings.schema { return schema }
        if let resolvedSchema { return resolvedSchema }
        guard let current = try connection.query("SELECT current_schema()", what: "reading the current schema").rows.first?.first ?? nil else {
            throw .invalidConfig("\(connection.description): the role's search_path names no existing schema; set \"schema\" in the sink's config")
        }
        resolvedSchema = current
        return current
    }

    /// How each batch column is encoded into the prepared target's column.
    private static func copyColumns(_ request: LoadRequest, layout: PGTableLayout, key: [String], target: String,
                                    deleteFlag: Int?) throws(PluginError) -> [CopyColumn] {
        var columns: [CopyColumn] = []
        for (index, field) in request.schema.fields.enumerated() {
            if index == deleteFlag {
                // Into the staging table's boolean flag column; a NULL flag loads the row.
                columns.append(CopyColumn(name: field.name, encoding: .bool, isKey: false))
                continue
            }
            guard let column = layout.column(named: field.name), let encoding = PGType.encoding(of: field.type, into: column.typeOID, typeModifier: column.typeModifier) else {
                throw .internalError("column \(PGIdentifier.quoted(field.name)) of \(target) does not fit the load right after preparation")
            }
            columns.append(CopyColumn(name: field.name, encoding: encoding, isKey: key.contains(field.name)))
        }
        return columns
    }

    /// An existing scd2 target must have been made by scd2: adding history columns to plain
    /// rows would invent versions with no start.
    private static func requireHistoryColumns(schema: String, target: String, connection: PostgresConnection) throws(PluginError) {
        guard let layout = try PGTableLayout.read(schema: schema, table: target, connection: connection) else { return }
        if let history = PGSCD2Options.historyColumns.first(where: { layout.column(named: $0.name) == nil }) {
            throw .invalidConfig("target \(PGIdentifier.qualified(schema, target)) in \(connection.description) exists without the scd2 history column \(PGIdentifier.quoted(history.name)) (it was not created by an scd2 load); load scd2 history into a new target, or drop the table so the next load creates it")
        }
    }

    /// Refuses requests no transaction could carry out; returns the key for merge and scd2.
    /// `fields` are the stored columns (without the delete flag).
    fileprivate static func validate(_ request: LoadRequest, fields: [ArrowField]) throws(PluginError) -> [String] {
        let target = request.target
        try PGIdentifier.validate(target, what: "target")
        guard target != PGStateTable.name else {
            throw .invalidConfig("target \(PGIdentifier.quoted(target)) is the table where the sink keeps resume states; choose another target name")
        }
        let names = fields.map(\.name)
        guard !names.isEmpty else {
            throw .invalidConfig("the load into \(PGIdentifier.quoted(target)) has no columns; select at least one column")
        }
        var seen: Set<String> = []
        for name in names {
            try PGIdentifier.validate(name, what: "column")
            guard seen.insert(name).inserted else {
                throw .invalidConfig("target \(PGIdentifier.quoted(target)): the column \(PGIdentifier.quoted(name)) appears twice; rename one of them")
            }
        }
        guard request.writeMode == .merge || request.writeMode == .scd2 else { return [] }
        if request.writeMode == .scd2 {
            if let clash = names.first(where: { name in PGSCD2Options.historyColumns.contains { $0.name == name } }) {
                throw .invalidConfig("target \(PGIdentifier.quoted(target)): the source has a column \(PGIdentifier.quoted(clash)), a name scd2 keeps for its history columns (_valid_from, _valid_to, _is_current); rename it")
            }
            if let odd = names.first(where: { $0.contains(SCD2SQL.bodyTag) }) {
                throw .invalidConfig("target \(PGIdentifier.quoted(target)): the column name \(PGIdentifier.quoted(odd)) contains \(SCD2SQL.bodyTag), which the scd2 load's SQL reserves; rename it")
            }
        }
        guard !request.primaryKey.isEmpty else {
            throw .invalidConfig("write mode \(request.writeMode) into \(PGIdentifier.quoted(target)) needs a primary_key: add \"primary_key\": [\"id\"] to the entry")
        }
        for column in request.primaryKey where !seen.contains(column) {
            throw .invalidConfig("primary_key column \(PGIdentifier.quoted(column)) of the \(request.writeMode) into \(PGIdentifier.quoted(target)) is not among the load's columns (\(names.map(PGIdentifier.quoted).joined(separator: ", "))); fix primary_key or select the column")
        }
        return request.primaryKey
    }
}
