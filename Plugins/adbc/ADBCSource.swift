import ETLArrow
import ETLPluginKit

/// The `adbc` source: runs a query (or reads a table) through any ADBC driver and streams the
/// result, each column converted to the ABI's types (DriverColumnType) batch by batch.
///
/// Full reads only: an incremental entry is refused by `checkRead`, since a cursor's SQL would
/// have to be written in each database's dialect.
final class ADBCSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "adbc",
        version: "1.0.0",
        description: "Reads a query or table through any ADBC driver library (SQLite, PostgreSQL, Snowflake, BigQuery, ...), full reads",
        capabilities: [.discover],
        configSchema: ADBCSourceSettings.schema)

    private let settings: ADBCSourceSettings
    private let host: PluginHost
    private let session: ADBCSession

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try ADBCSourceSettings(config)
        self.host = host
        session = try ADBCSession(settings.driver)
        host.debug("loaded the ADBC driver \(session.driver.description) through \(session.driver.entrypoint) (revision \(session.driver.version == 1_001_000 ? "1.1.0" : "1.0.0"))")
    }

    /// Connecting in `init` proved the database is reachable; describing the query proves the SQL.
    func check() throws(PluginError) {
        _ = try resultSchema()
    }

    func discover() throws(PluginError) -> [StreamDescription] {
        [StreamDescription(name: settings.streamName, schema: try resultSchema().abi)]
    }

    /// The query's columns: asked of the driver without running the query where it can answer
    /// (ADBC 1.1.0 ExecuteSchema), else from the stream of the query itself.
    private func resultSchema() throws(PluginError) -> DriverSchema {
        let statement = try ADBCStatement(session)
        try statement.setSQL(settings.sql)
        if let schema = try statement.resultSchema(revision: session.driver.version) { return schema }
        return try DriverStream(sql: settings.sql, session: session).schema
    }

    func checkRead(_ request: ReadRequest) throws(PluginError) {
        if let cursor = request.cursorField {
            throw .invalidConfig("the adbc source reads in full only, but entry \"\(request.entryID)\" asks for an incremental read on \"\(cursor)\": remove the cursor, or filter in the query itself")
        }
        guard request.stream == settings.streamName else {
            throw .invalidConfig("the adbc source offers the stream \"\(settings.streamName)\", not \"\(request.stream)\"; fix the entry's stream (or the source's \"stream\" key)")
        }
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        try checkRead(request)
        let stream = try DriverStream(sql: settings.sql, session: session)
        return DriverBatchProducer(stream: stream, request: request, host: host)
    }

    func checkpoint() throws(PluginError) -> String? { nil }
}
