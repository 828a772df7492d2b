import Glibc
import CSQLite
import ETLArrow
import ETLPluginKit

/// The `sqlite` sink: loads batches into tables of a SQLite warehouse file.
///
/// Each load is one `BEGIN IMMEDIATE` transaction holding the table changes, the rows and the
/// entry's resume state (`_etl_state`), so a load is all or nothing and the state always matches
/// the data; the state row also records which etl-runtime project owns the target, and `begin`
/// refuses another project's load (TargetOwnership). `replace` deletes and inserts inside that
/// transaction (no rename swap: since SQLite 3.25 a rename drags users' views along), `append`
/// inserts (with `options.replace_partitions`, replacing the partitions it delivers: see
/// PartitionReplace), `merge` upserts on the primary key, `scd2` keeps history rows. Any failed statement
/// rolls the whole load back at once: SQLite may undo only the failing statement, and a
/// transaction missing part of its rows must never commit. See README.md for durability settings.
final class SQLiteSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "sqlite",
        version: "1.0.0",
        description: "Loads tables into a SQLite database file: replace, append, merge (upsert), scd2; state in the same transaction",
        capabilities: [.replace, .append, .merge, .scd2, .transactional, .sql, .models, .deletes],
        configSchema: SQLiteSinkSettings.schema,
        entryOptionsSchema: PartitionReplace.schema)

    /// Page cache per connection: generous for upserts into large indexes, still small next to
    /// the runtime's memory budget.
    private static let cacheKibibytes = 16_384
    /// Keeps a WAL that one big load inflated from staying that size on disk.
    private static let journalSizeLimit = 64 << 20
    /// Page size of a database the sink creates: bulk loads run about 25% faster than with
    /// SQLite's 4 KiB default (fewer WAL frames, syscalls and b-tree pages per row). An existing
    /// file keeps its page size; in WAL mode it could not change anyway.
    private static let newDatabasePageSize = 16_384
    /// How long opening the file waits for another connection's setup at least (see `init`).
    private static let setupWaitMilliseconds: Int32 = 5_000

    private let settings: SQLiteSinkSettings
    private let host: PluginHost
    private let connection: SQLiteConnection
    private let cache = SchemaCache()
    /// Prepared row statements by SQL text, reused by every load into the same target.
    private var statements: [String: SQLiteStatement] = [:]
    private var load: SinkLoad?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try SQLiteSinkSettings(config)
        self.host = host
        try FileSystem.makeParentDirectories(of: settings.path)
        connection = try SQLiteConnection(path: settings.path, readOnly: false, create: true)
        connection.setBusyTimeout(milliseconds: settings.busyTimeoutMilliseconds)
        // Setting up a new file takes locks for an instant: two entries of one run opening a new
        // warehouse together meet here, and a short busy_timeout_ms (meant for loads, which the
        // runtime waits for) must not fail the second one. So these statements retry for at least
        // `setupWaitMilliseconds`.
        let setupWait = max(settings.busyTimeoutMilliseconds, Self.setupWaitMilliseconds)
        let connection = self.connection
        try Self.retryingWhileBusy(milliseconds: setupWait) { () throws(PluginError) in
            if try connection.integer("PRAGMA page_count") == 0 {
                try connection.execute("PRAGMA page_size = \(Self.newDatabasePageSize)")
            }
        }
        let journalMode = settings.journalMode
        var mode = try Self.retryingWhileBusy(milliseconds: setupWait) { () throws(PluginError) in
            try connection.text("PRAGMA journal_mode")?.lowercased() ?? "unknown"
        }
        if mode != journalMode {
            // Changing the journal mode needs an exclusive lock, and SQLite refuses (without
            // waiting) when another connection is doing the same.
            mode = try Self.retryingWhileBusy(milliseconds: setupWait) { () throws(PluginError) in
                try connection.text("PRAGMA journal_mode = \(journalMode)")?.lowercased() ?? "unknown"
            }
        }
        if mode != settings.journalMode {
            host.warning("\(settings.path): journal_mode \(settings.journalMode) was asked but SQLite keeps \(mode) for this file (a file system without shared memory cannot use wal)")
        }
        try connection.execute("""
            PRAGMA synchronous = \(settings.synchronous.uppercased());
            PRAGMA cache_size = -\(Self.cacheKibibytes);
            PRAGMA journal_size_limit = \(Self.journalSizeLimit);
            """)
    }

    /// Runs `body` again while it fails as retryable (SQLITE_BUSY), up to `milliseconds`.
    private static func retryingWhileBusy<T>(milliseconds: Int32, _ body: () throws(PluginError) -> T) throws(PluginError) -> T {
        var waited: Int32 = 0
        while true {
            do {
                return try body()
            } catch {
                guard error.code == .retryable, waited < milliseconds else { throw error }
                usleep(10_000)
                waited += 10
            }
        }
    }

    /// Proves the database can be written: takes and releases the write lock.
    func check() throws(PluginError) {
        guard load == nil else { return }
        try connection.execute("BEGIN IMMEDIATE")
        connection.rollbackIfOpen()
    }

    /// `begin`'s checks of the request, which need no database: `validate` and `run --dry-run`
    /// ask them before any run. Without the columns, only those that need none.
    func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError) {
        guard schemaKnown else {
            try SQLIdentifier.validate(request.target, what: "target")
            _ = try PartitionReplace(request, names: nil)
            _ = try LoadOwnership(request.options())
            return
        }
        _ = try CheckedRequest(request)
    }

    /// What `begin` reads from the request before BEGIN, checked: one code for `begin` and
    /// `checkLoad`, so validate refuses exactly what a load would.
    private struct CheckedRequest {
        /// The target's columns: the delete flag (the last batch column, when asked for) is none.
        /// The index of the batches' delete flag column, when the load asks for deletes.
        let deleteFlag: Int?
        let fields: ArraySlice<ArrowField>
        let names: [String]
        let key: [String]
        let scd2: SCD2Options
        let partitions: PartitionReplace?
        let ownership: LoadOwnership

        init(_ request: LoadRequest) throws(PluginError) {
            deleteFlag = try DeleteColumn.index(of: request)
            fields = request.schema.fields.prefix(deleteFlag ?? request.schema.fields.count)
            names = fields.map(\.name)
            key = try SQLiteSink.validate(request, names: names)
            scd2 = try SCD2Options(request, names: names)
            partitions = try PartitionReplace(request, names: names)
            ownership = try LoadOwnership(request.options())
        }
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        let checked = try CheckedRequest(request)
        let (deleteFlag, fields, names, key, scd2, partitions, ownership) = (checked.deleteFlag, checked.fields, checked.names,
            checked.key, checked.scd2, checked.partitions, checked.ownership)
        try connection.execute("BEGIN IMMEDIATE", table: request.target)
        do throws(PluginError) {
            cache.synchronize(toVersion: try connection.integer("PRAGMA schema_version"))
            // Before the target is touched: every write mode is refused alike.
            try StateTable.ensure(connection: connection, cache: cache)
            try TargetOwnership.check(request, ownership: ownership, connection: connection, host: host)
            var columns = fields.map { TargetColumn(name: $0.name, type: $0.type) }
            if request.writeMode == .scd2 { columns += TargetPreparation.historyColumns }
            let prepared = try TargetPreparation.prepare(target: request.target, columns: columns, mode: request.writeMode,
                                                         connection: connection, cache: cache)
            for action in prepared.actions { host.info("\(settings.path): \(action)") }
            if prepared.emptied { cache.forgetIndexes(of: request.target) }
            if request.writeMode == .replace && !prepared.emptied {
                try connection.execute("DELETE FROM \(SQLIdentifier.quoted(request.target))", table: request.target)
            }
            if request.writeMode == .merge || request.writeMode == .scd2 {
                try KeyIndex.ensure(target: request.target, key: key, layout: prepared.layout, mode: request.writeMode,
                                    connection: connection, cache: cache)
            }
            if partitions != nil {
                try connection.execute(PartitionReplace.createStaging(for: request.target, columns: names), table: request.target)
            }
            if scd2.closeMissing {
                try connection.execute(LoadSQL.createSeenKeys(for: request.target, key: key), table: request.target)
            }
            cache.advance(toVersion: try connection.integer("PRAGMA schema_version"))
            let loadTime = ArrowTimestampText.text(micros: Clock.nowMicros())
            load = SinkLoad(request: request, ownership: ownership, scd2: scd2, partitions: partitions, columns: names, loadTime: loadTime,
                            writer: try makeWriter(request, names: names, key: key, scd2: scd2, deleteFlag: deleteFlag,
                                                   into: partitions == nil ? request.target : PartitionReplace.stagingTable(for: request.target),
                                                   loadTime: loadTime))
        } catch {
            connection.rollbackIfOpen()
            cache.reset()
            throw error
        }
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard let load else { throw .internalError("write without an open load") }
        if let failure = load.failure {
            throw PluginError(failure.code, "the load into \(SQLIdentifier.quoted(load.request.target)) already failed and was rolled back; abort it. The first error was: \(failure.message)")
        }
        // Checked before touching the database, so a cancelled load still holds whole batches.
        try host.throwIfCancelled("loading table \(SQLIdentifier.quoted(load.request.target)) in \(settings.path)")
        do throws(PluginError) {
            let affected = try load.writer.write(batch, firstRow: load.rowsWritten)
            load.rowsWritten += Int64(batch.rowCount)
            load.rowsAffected += affected
        } catch {
            fail(load, error)
            throw error
        }
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        guard let load else { throw .internalError("commit without an open load") }
        self.load = nil
        let target = SQLIdentifier.quoted(load.request.target)
        if let failure = load.failure {
            connection.rollbackIfOpen()
            cache.reset()
            throw PluginError(failure.code, "nothing was committed to \(target) in \(settings.path): a statement of the load failed, so the whole load was rolled back. The error was: \(failure.message)")
        }
        do throws(PluginError) {
            guard !connection.isAutocommit else {
                throw .ioError("nothing was committed to \(target) in \(settings.path): SQLite ended the load's transaction on its own (after an I/O or disk-full error); run the load again")
            }
            if load.request.writeMode == .replace {
                let counted = try connection.integer("SELECT count(*) FROM \(target)", table: load.request.target)
                guard counted == load.rowsWritten else {
                    throw .ioError("nothing was committed to \(target) in \(settings.path): the replace wrote \(load.rowsWritten) rows but the table holds \(counted) (a trigger, or a constraint with ON CONFLICT IGNORE/REPLACE, changed them); the previous table is kept. Remove what alters inserted rows, then run again")
                }
            }
            if let partitions = load.partitions {
                try partitions.apply(target: load.request.target, columns: load.columns, connection: connection)
            }
            if load.scd2.closeMissing {
                let closed = try closeMissingKeys(load)
                if closed > 0 { host.info("\(settings.path): closed the current version of \(closed) key(s) missing from the snapshot loaded into \(target)") }
            }
            try StateTable.write(state, entryID: load.request.entryID, runID: load.request.runID, target: load.request.target,
                                 rows: load.rowsAffected, owner: load.ownership.stateOwner, connection: connection)
            if load.ownership.takeOwnership, let owner = load.ownership.stateOwner {
                try StateTable.handOver(target: load.request.target, to: owner, connection: connection)
            }
            try connection.execute("COMMIT", table: load.request.target)
        } catch {
            connection.rollbackIfOpen()
            cache.reset()
            throw error
        }
        if load.writer.nanCount > 0 {
            host.warning("\(settings.path), table \(target): \(load.writer.nanCount) NaN double value(s) were stored as NULL, since SQLite has no NaN")
        }
        host.debug("\(settings.path): committed \(load.rowsAffected) rows to \(target) (\(load.request.writeMode))")
        return load.rowsAffected
    }

    func abort() throws(PluginError) {
        guard let load else { return }
        self.load = nil
        let problem = connection.rollbackIfOpen()
        cache.reset()
        if let problem {
            throw .ioError("rolling back the load into \(SQLIdentifier.quoted(load.request.target)) in \(settings.path) failed: \(problem); SQLite undoes the transaction when the connection closes")
        }
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        try StateTable.read(entryID: entryID, connection: connection)
    }

    /// Runs `sql` (an entry's post_sql) in its own transaction; SQL that commits itself is
    /// allowed, SQL that opens a transaction of its own is not (SQLite refuses nested BEGIN).
    func executeSQL(_ sql: String) throws(PluginError) {
        if let load {
            throw .internalError("execute_sql was called while the load into \(SQLIdentifier.quoted(load.request.target)) is open; commit or abort it first")
        }
        do throws(PluginError) {
            try connection.execute("BEGIN IMMEDIATE")
            try connection.execute(sql)
            if !connection.isAutocommit { try connection.execute("COMMIT") }
        } catch {
            // A plain SQL error (syntax, unknown table) is the entry's SQL to fix; read the code
            // before the rollback replaces it.
            let isSQLError = sqlite3_extended_errcode(connection.handle) & 0xFF == SQLITE_ERROR
            connection.rollbackIfOpen()
            cache.reset()
            throw PluginError(isSQLError ? .invalidConfig : error.code, "post_sql failed and was rolled back: \(error.message)")
        }
    }

    /// Runs a SQL model entry in one transaction with its state (see ModelRun).
    func runModel(_ request: ModelRequest) throws(PluginError) -> ModelResult {
        if let load {
            throw .internalError("run_model was called while the load into \(SQLIdentifier.quoted(load.request.target)) is open; commit or abort it first")
        }
        let result = try ModelRun(request: request, connection: connection, cache: cache, host: host).run()
        host.debug("\(settings.path): model \(JSONText.string(request.entryID)) wrote \(result.rows) rows to \(SQLIdentifier.quoted(request.target)) (\(request.materialization))")
        return result
    }

    /// Marks the load failed and rolls it back at once, releasing the write lock; the host
    /// still ends it with commit (refused) or abort.
    private func fail(_ load: SinkLoad, _ error: PluginError) {
        load.failure = error
        connection.rollbackIfOpen()
        cache.reset()
    }

    /// close_missing: ends, at the load's time, the current version of every key the snapshot
    /// did not deliver; returns how many. Runs inside the load's transaction, before its commit.
    private func closeMissingKeys(_ load: SinkLoad) throws(PluginError) -> Int64 {
        let table = load.request.target
        let close = try connection.prepare(LoadSQL.closeMissingKeys(in: table, key: load.request.primaryKey), table: table)
        close.bind(text: load.loadTime, at: 1)
        _ = try close.step(table: table)
        let closed = sqlite3_changes64(connection.handle)
        try connection.execute("DROP TABLE \(LoadSQL.seenKeysTable(for: table))", table: table)
        return closed
    }

    /// The rows go `into` the target, or the staging table of a partition replace.
    private func makeWriter(_ request: LoadRequest, names: [String], key: [String], scd2: SCD2Options, deleteFlag: Int?,
                            into table: String, loadTime: String) throws(PluginError) -> RowWriter {
        var texts: [String]
        switch request.writeMode {
        case .replace, .append: texts = [LoadSQL.insert(into: table, columns: names)]
        case .merge: texts = [LoadSQL.upsert(into: table, columns: names, key: key)]
        case .scd2:
            // The version-inserting statement stays last: its changes count the load's rows.
            texts = [LoadSQL.closeChangedVersion(in: table, columns: names, key: key, validFrom: scd2.validFromColumn),
                     LoadSQL.insertNewVersion(into: table, columns: names, key: key, validFrom: scd2.validFromColumn)]
            if scd2.closeMissing { texts.insert(LoadSQL.recordSeenKey(for: table, columns: names, key: key), at: 0) }
        }
        var prepared: [SQLiteStatement] = []
        for text in texts { prepared.append(try statement(text, table: table)) }
        var deletes: RowWriter.Deletes?
        if let deleteFlag {
            let text = request.writeMode == .merge
                ? LoadSQL.deleteKey(from: table, columns: names, key: key)
                : LoadSQL.closeDeletedVersion(in: table, columns: names, key: key, validFrom: scd2.validFromColumn)
            deletes = RowWriter.Deletes(flagColumn: deleteFlag, statement: try statement(text, table: table))
        }
        let folded = names.map(SQLIdentifier.folded)
        let keyColumns = Set(key.compactMap { folded.firstIndex(of: SQLIdentifier.folded($0)) })
        // ?n+1 only exists when no column dates the versions.
        let versionTime = request.writeMode == .scd2 && scd2.validFromColumn == nil ? loadTime : nil
        var group: RowWriter.RowGroup?
        let groupRows = min(Self.rowsPerGroup, Int(connection.variableLimit) / max(names.count, 1))
        if request.writeMode == .replace || request.writeMode == .append, !names.isEmpty, groupRows >= 2 {
            group = RowWriter.RowGroup(statement: try statement(LoadSQL.insert(into: table, columns: names, rows: groupRows), table: table),
                                       rows: groupRows)
        }
        return RowWriter(statements: prepared, group: group, countsChanges: request.writeMode == .merge || request.writeMode == .scd2,
                         deletes: deletes, keyColumns: keyColumns, validFromColumn: scd2.validFromColumn, loadTime: versionTime, columnNames: names, target: request.target, database: settings.path)
    }

    /// Rows per grouped INSERT: past about 30 the gain levels off (bench/sqlite_insert_groups.c).
    static let rowsPerGroup = 32

    private func statement(_ sql: String, table: String) throws(PluginError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        // A handful of targets per instance is normal; a runaway set is cleared, not grown.
        if statements.count >= 32 { statements.removeAll() }
        let prepared = try connection.prepare(sql, persistent: true, table: table)
        statements[sql] = prepared
        return prepared
    }

    /// Refuses requests no transaction could carry out; returns the key for merge and scd2.
    fileprivate static func validate(_ request: LoadRequest, names: [String]) throws(PluginError) -> [String] {
        let target = request.target
        try SQLIdentifier.validate(target, what: "target")
        guard SQLIdentifier.folded(target) != SQLIdentifier.folded(StateTable.name) else {
            throw .invalidConfig("target \(SQLIdentifier.quoted(target)) is the table where the sink keeps resume states; choose another target name")
        }
        guard !names.isEmpty else {
            throw .invalidConfig("the load into \(SQLIdentifier.quoted(target)) has no columns; select at least one column")
        }
        var seen: [String: String] = [:]
        for name in names {
            try SQLIdentifier.validate(name, what: "column")
            if let earlier = seen.updateValue(name, forKey: SQLIdentifier.folded(name)) {
                throw .invalidConfig("target \(SQLIdentifier.quoted(target)): columns \(SQLIdentifier.quoted(earlier)) and \(SQLIdentifier.quoted(name)) are the same SQLite column (names ignore case); rename one of them")
            }
        }
        guard request.writeMode == .merge || request.writeMode == .scd2 else { return [] }
        if request.writeMode == .scd2,
           let clash = names.first(where: { name in TargetPreparation.historyColumns.contains { SQLIdentifier.folded($0.name) == SQLIdentifier.folded(name) } }) {
            throw .invalidConfig("target \(SQLIdentifier.quoted(target)): the source has a column \(SQLIdentifier.quoted(clash)), a name scd2 keeps for its history columns (_valid_from, _valid_to, _is_current); rename it")
        }
        guard !request.primaryKey.isEmpty else {
            throw .invalidConfig("write mode \(request.writeMode) into \(SQLIdentifier.quoted(target)) needs a primary_key: add \"primary_key\": [\"id\"] to the entry")
        }
        for column in request.primaryKey where seen[SQLIdentifier.folded(column)] == nil {
            let list = names.map(SQLIdentifier.quoted).joined(separator: ", ")
            throw .invalidConfig("primary_key column \(SQLIdentifier.quoted(column)) of the \(request.writeMode) into \(SQLIdentifier.quoted(target)) is not among the load's columns (\(list)); fix primary_key or select the column")
        }
        return request.primaryKey
    }
}
