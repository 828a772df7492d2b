import CADBC
import CETLPlugin
import Glibc
import ETLArrow
import ETLPluginKit

/// The `adbc` sink: bulk-ingests our Arrow batches through any ADBC driver
/// (`adbc.ingest.target_table` + `adbc.ingest.mode`, one bound batch per write).
///
/// With a driver that has transactions (autocommit can be turned off: SQLite, PostgreSQL,
/// Snowflake, ...) a load is one transaction holding the rows and the entry's `_etl_state` row,
/// so a load is all or nothing and the state matches the data; `replace` ingests into a staging
/// table and swaps it for the target (DROP + ALTER TABLE RENAME) inside that transaction, so
/// readers see the old table until the commit; `append` with `options.replace_partitions` ingests
/// into the staging table and replaces the partitions it delivers at commit (ADBCPartitionReplace).
/// A driver without transactions (BigQuery) gets the
/// driver's own `adbc.ingest.mode.replace` and appends, committed batch by batch, and the
/// runtime keeps the entry's state in its control table instead. See README.md.
final class ADBCSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "adbc",
        version: "1.0.0",
        description: "Bulk-ingests into any database with an ADBC driver library: replace (staged and swapped in a transaction where the driver has them), append; state in the same transaction",
        capabilities: [.replace, .append, .transactional, .sql],
        configSchema: ADBCSinkSettings.schema,
        entryOptionsSchema: ADBCPartitionReplace.schema)

    private let settings: ADBCSinkSettings
    private let host: PluginHost
    private let session: ADBCSession
    /// Whether the driver accepted autocommit off: loads are then transactions.
    private let transactional: Bool
    private var load: ADBCLoad?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try ADBCSinkSettings(config)
        self.host = host
        session = try ADBCSession(settings.driver)
        transactional = settings.useTransactions ? try session.disableAutocommit() : false
        let revision = session.driver.version == 1_001_000 ? "1.1.0" : "1.0.0"
        host.debug("loaded the ADBC driver \(session.driver.description) through \(session.driver.entrypoint) (revision \(revision)); \(transactional ? "loads are transactions" : "loads commit batch by batch (no transactions)")")
    }

    /// Connecting in `init` proved the database is reachable and the options were accepted.
    func check() throws(PluginError) {}

    /// `begin`'s checks of the request, which need no statement: `validate` and `run --dry-run`
    /// ask them before any run. (Whether loads are transactions was settled when the instance
    /// connected: `"transactions": "off"`, or a driver without them.)
    func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError) {
        _ = try ADBCPartitionReplace(request, transactional: transactional, driver: session.driver.description, schemaKnown: schemaKnown)
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        try SQLText.validate(request.target, what: "the target of entry \"\(request.entryID)\"")
        let partitions = try ADBCPartitionReplace(request, transactional: transactional, driver: session.driver.description)
        let staged = transactional && (request.writeMode == .replace || partitions != nil)
        let ingestTable = staged ? ADBCLoad.stagingTable(for: request.target) : request.target
        if transactional {
            do throws(PluginError) {
                try ADBCStateTable.claim(entryID: request.entryID, session: session, schema: settings.dbSchema)
                if staged { try session.execute("DROP TABLE IF EXISTS \(SQLText.table(ingestTable, schema: settings.dbSchema))") }
            } catch {
                session.rollback()
                throw error
            }
        }
        load = ADBCLoad(request: request, ingestTable: ingestTable, staged: staged, partitions: partitions)
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard let load else { throw .internalError("write without an open load") }
        if let failure = load.failure {
            throw PluginError(failure.code, "the load into \(SQLText.identifier(load.request.target)) already failed\(transactional ? " and was rolled back" : ""); abort it. The first error was: \(failure.message)")
        }
        try host.throwIfCancelled("loading table \(SQLText.identifier(load.request.target))")
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        batch.export(to: array)
        do throws(PluginError) {
            try ingest(array, rows: batch.rowCount, into: load)
        } catch {
            fail(load, error)
            throw error
        }
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        guard let load else { throw .internalError("commit without an open load") }
        self.load = nil
        let target = SQLText.table(load.request.target, schema: settings.dbSchema)
        if let failure = load.failure {
            throw PluginError(failure.code, "nothing was committed to \(target)\(transactional ? "" : " after the failure (rows the driver committed before it stay)"): \(failure.message)")
        }
        do throws(PluginError) {
            if load.batches == 0 {
                // No rows: the target must still exist (and a replace must empty it).
                let empty = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
                do throws(ArrowError) {
                    try RecordBatchBuilder(schema: load.request.schema).finish(into: empty)
                } catch {
                    empty.deallocate()
                    throw PluginError.internalError("building an empty batch: \(error.message)")
                }
                try ingest(empty, rows: 0, into: load)
            }
            if transactional {
                if let partitions = load.partitions {
                    try replacePartitions(partitions, load: load)
                } else if load.staged {
                    try session.execute("DROP TABLE IF EXISTS \(target)")
                    try session.execute("ALTER TABLE \(SQLText.table(load.ingestTable, schema: settings.dbSchema)) RENAME TO \(SQLText.identifier(load.request.target))")
                }
                try ADBCStateTable.write(state, entryID: load.request.entryID, runID: load.request.runID, target: load.request.target,
                                         rows: load.rows, committedAt: ArrowTimestampText.text(micros: Self.nowMicros()),
                                         session: session, schema: settings.dbSchema)
                try session.commit()
            }
        } catch {
            if transactional { session.rollback() }
            throw PluginError(error.code, "nothing was committed to \(target)\(transactional ? "; the previous table and state are kept" : ""): \(error.message)")
        }
        host.debug("committed \(load.rows) rows to \(target) (\(load.request.writeMode))")
        return load.rows
    }

    func abort() throws(PluginError) {
        guard let load else { return }
        self.load = nil
        guard transactional else {
            if load.batches > 0 {
                host.warning("the load into \(SQLText.identifier(load.request.target)) was aborted, but loads are not transactions here: the \(load.rows) rows it took stay")
            }
            return
        }
        // A failed load was rolled back when it failed.
        guard load.failure == nil else { return }
        if let problem = session.rollback() {
            throw .ioError("rolling back the load into \(SQLText.identifier(load.request.target)) failed: \(problem); the database undoes it when the connection closes")
        }
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        guard transactional else {
            throw .unsupported("loads through \(session.driver.description) are not transactions (the driver has none, or \"transactions\" is \"off\"), so state cannot commit with the rows; the runtime keeps it")
        }
        let state = try ADBCStateTable.read(entryID: entryID, session: session, schema: settings.dbSchema)
        // Ends the read's transaction: it must not hold a snapshot (or locks) until the next load.
        session.rollback()
        return state
    }

    /// Runs `sql` (an entry's post_sql), committed on its own.
    func executeSQL(_ sql: String) throws(PluginError) {
        if let load {
            throw .internalError("execute_sql was called while the load into \(SQLText.identifier(load.request.target)) is open; commit or abort it first")
        }
        do throws(PluginError) {
            try session.execute(sql)
            if transactional { try session.commit() }
        } catch {
            if transactional { session.rollback() }
            throw PluginError(error.code, "post_sql failed\(transactional ? " and was rolled back" : ""): \(error.message)")
        }
    }

    /// Binds one batch (moved into `array`, which this frees) and ingests it.
    private func ingest(_ array: UnsafeMutablePointer<ArrowArray>, rows: Int, into load: ADBCLoad) throws(PluginError) {
        let schema = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        load.request.schema.export(to: schema)
        defer {
            // Drivers move what they bind; one that did not leaves it to us.
            array.pointee.release?(array)
            schema.pointee.release?(schema)
            array.deallocate()
            schema.deallocate()
        }
        let mode: String = switch (load.batches, load.request.writeMode, load.staged) {
        case (0, .replace, true), (0, .append, true): ADBC_INGEST_OPTION_MODE_CREATE
        case (0, .replace, false): ADBC_INGEST_OPTION_MODE_REPLACE
        case (0, _, _): ADBC_INGEST_OPTION_MODE_CREATE_APPEND
        default: ADBC_INGEST_OPTION_MODE_APPEND
        }
        // The statement is released before the structs are freed (the defer above).
        try ingestStatement(array, schema, mode: mode, load: load)
        load.batches += 1
        load.rows += Int64(rows)
    }

    /// At commit of a partition replace: makes sure the target exists (an empty ingest, so the
    /// driver chooses its column types as for any append), then deletes the staged partitions'
    /// old rows, moves the staged rows in and drops the staging table — all inside the load's
    /// transaction.
    private func replacePartitions(_ partitions: ADBCPartitionReplace, load: ADBCLoad) throws(PluginError) {
        let empty = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        let schema = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        load.request.schema.export(to: schema)
        defer {
            empty.pointee.release?(empty)
            schema.pointee.release?(schema)
            empty.deallocate()
            schema.deallocate()
        }
        do throws(ArrowError) {
            try RecordBatchBuilder(schema: load.request.schema).finish(into: empty)
        } catch {
            throw PluginError.internalError("building an empty batch: \(error.message)")
        }
        try ingestStatement(empty, schema, mode: ADBC_INGEST_OPTION_MODE_CREATE_APPEND, load: load, into: load.request.target)
        let target = SQLText.table(load.request.target, schema: settings.dbSchema)
        let staging = SQLText.table(load.ingestTable, schema: settings.dbSchema)
        try partitions.apply(target: target, staging: staging, columns: load.request.schema.fields.map(\.name), session: session)
    }

    private func ingestStatement(_ array: UnsafeMutablePointer<ArrowArray>, _ schema: UnsafeMutablePointer<ArrowSchema>,
                                 mode: String, load: ADBCLoad, into table: String? = nil) throws(PluginError) {
        let statement = try ADBCStatement(session)
        let table = table ?? load.ingestTable
        try statement.setOption(ADBC_INGEST_OPTION_TARGET_TABLE, table)
        if let dbSchema = settings.dbSchema { try statement.setOption(ADBC_INGEST_OPTION_TARGET_DB_SCHEMA, dbSchema) }
        try statement.setOption(ADBC_INGEST_OPTION_MODE, mode)
        try statement.bind(array, schema)
        _ = try statement.executeUpdate("ingesting \(load.batches == 0 ? "the first" : "batch \(load.batches + 1) of the") batch into \(SQLText.table(table, schema: settings.dbSchema))")
    }

    /// Marks the load failed and rolls it back at once (PostgreSQL refuses every statement of a
    /// failed transaction anyway); the host still ends it with commit (refused) or abort.
    private func fail(_ load: ADBCLoad, _ error: PluginError) {
        load.failure = error
        if transactional { session.rollback() }
    }

    private static func nowMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
