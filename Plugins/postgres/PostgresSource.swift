import CLibPQ
import ETLArrow
import ETLPluginKit
import ETLSQLSource

/// The `postgres` source: reads a table, view or query as one stream through
/// `COPY (query) TO STDOUT (FORMAT binary)`, in full or incrementally on a cursor column with
/// the `sqlite` source's rules (ties resumed by primary key or by row hash, NULL-cursor policy,
/// safety lag, lookback, a cursor that never moves back).
///
/// Each read runs in one `REPEATABLE READ READ ONLY` transaction: the columns, the NULL-cursor
/// count and the rows all come from one snapshot, and rows committed during the read are left
/// for the next run.
final class PostgresSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "postgres",
        version: "1.0.0",
        description: "Reads tables, views or a query of a PostgreSQL database through binary COPY, in full or incrementally on a cursor column",
        capabilities: [.incremental, .discover, .positions],
        configSchema: PostgresSourceSettings.schema)

    private let settings: PostgresSourceSettings
    private let host: PluginHost
    private var openConnection: PostgresConnection?
    /// The current read, whose state `checkpoint` reports.
    private var reader: PGSourceReader?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try PostgresSourceSettings(config)
        self.host = host
    }

    /// Connects, and describes the configured table or query.
    func check() throws(PluginError) {
        let connection = try connection()
        if let relation = settings.relation, let stream = settings.stream {
            _ = try PGSourceColumn.describe(relation, connection: connection, stream: stream)
        }
    }

    /// The configured stream, or every table and view of the schema, with Arrow types from the
    /// catalog.
    func discover() throws(PluginError) -> [StreamDescription] {
        let connection = try connection()
        if let relation = settings.relation, let stream = settings.stream {
            let columns = try PGSourceColumn.describe(relation, connection: connection, stream: stream)
            return [StreamDescription(name: stream, schema: PGSourceColumn.schema(columns))]
        }
        let names = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname = COALESCE($1, current_schema()) AND c.relkind IN ('r', 'v', 'm', 'p', 'f') ORDER BY 1
            """, [settings.connection.schema], what: "listing the tables of the schema").rows.compactMap { $0.first ?? nil }
        var streams: [StreamDescription] = []
        for name in names {
            let columns = try PGSourceColumn.describe(try settings.relation(forStream: name), connection: connection, stream: name)
            streams.append(StreamDescription(name: name, schema: PGSourceColumn.schema(columns)))
        }
        return streams
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        let relation = try settings.relation(forStream: request.stream)
        reader = nil
        let connection = try connection()
        connection.rollbackIfOpen()
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "starting the read of stream \"\(request.stream)\"")
        do {
            let reader = try startRead(request, relation: relation, connection: connection)
            self.reader = reader
            return reader
        } catch {
            connection.rollbackIfOpen()
            throw error
        }
    }

    func checkpoint() throws(PluginError) -> String? {
        reader?.stateJSON
    }

    // MARK: Helpers

    private func startRead(_ request: ReadRequest, relation: PGSourceRelation,
                           connection: PostgresConnection) throws(PluginError) -> PGSourceReader {
        let stream = request.stream
        let columns = try PGSourceColumn.describe(relation, connection: connection, stream: stream)
        let positions = try SourcePositionColumn(request: request, streamSchema: PGSourceColumn.schema(columns))
        let what = "reading stream \"\(stream)\""
        guard let cursorField = request.cursorField else {
            let plan = PGReadPlan.full(columns: columns, relation: relation)
            let estimate = try PGRowEstimate.rows(of: plan.sql, connection: connection, what: what)
            let copy = try CopyOut(connection: connection, query: plan.sql, what: what)
            return PGSourceReader(copy: copy, connection: connection, columns: columns, host: host, stream: stream,
                                  request: request, positions: positions, incremental: nil, estimatedRows: estimate)
        }
        let options = try IncrementalOptions(try request.options())
        let cursor = try column(named: cursorField, in: columns, role: "cursor_field", stream: stream)
        guard cursor.type != .binary, cursor.type != .bool else {
            throw .invalidConfig("cursor_field \(PGIdentifier.quoted(cursor.name)) of stream \"\(stream)\" is a \(cursor.type.displayName) column; a watermark needs numbers, text, dates or timestamps")
        }
        var keys: [PGSourceColumn] = []
        for name in options.primaryKey { keys.append(try column(named: name, in: columns, role: "primary_key", stream: stream)) }
        let keyNames = keys.map(\.name)
        let state = try request.stateJSON.map { (text) throws(PluginError) in
            try PGCursorState.parse(text, cursorField: cursor.name, keyNames: keyNames)
        }
        let initial = try request.initialValueJSON.map { (json) throws(PluginError) in
            try PGCursorState.scalar(try PluginConfig(parsing: "{\"initial_value\": \(json)}", path: "entry"), "initial_value")
        } ?? nil
        try checkNullCursors(options, state: state, cursor: cursor.name, relation: relation, stream: stream, connection: connection)
        if options.lookbackSeconds > 0 || options.safetyLagSeconds > 0, !cursor.isTimestamp {
            throw .invalidConfig("\(options.lookbackSeconds > 0 ? "lookback" : "safety_lag") needs a timestamp or date cursor; \(PGIdentifier.quoted(cursor.name)) is \(cursor.type.displayName). Remove it or use a timestamp cursor")
        }
        let plan = PGReadPlan.incremental(columns: columns, relation: relation, cursor: cursor.name, key: keyNames, state: state,
                                          initial: initial, includeNulls: options.nullCursor != .fail,
                                          lookbackSeconds: options.lookbackSeconds, safetyLagSeconds: options.safetyLagSeconds)
        let estimate = try PGRowEstimate.rows(of: plan.sql, connection: connection, what: what)
        let copy = try CopyOut(connection: connection, query: plan.sql, what: what)
        let integers = Set(([cursor] + keys).filter { [.int2, .int4, .int8].contains($0.decoding) }.map(\.name))
        let setup = PGIncrementalSetup(cursorField: cursor.name, keyNames: keyNames, integerColumns: integers,
                                       nullCursor: options.nullCursor, startState: state, skipsBoundaryRows: plan.skipsBoundaryRows)
        return PGSourceReader(copy: copy, connection: connection, columns: columns, host: host, stream: stream,
                              request: request, positions: positions, incremental: setup, estimatedRows: estimate)
    }

    /// The open connection, or a new one (also after the server dropped the old one), in UTC
    /// with UTF-8 text so timestamps and text arrive the same whatever the role's settings.
    private func connection() throws(PluginError) -> PostgresConnection {
        if let openConnection, !openConnection.isBroken { return openConnection }
        openConnection = nil
        let opened = try PostgresConnection(settings: settings.connection, host: host)
        try opened.execute("SET TimeZone TO 'UTC'; SET client_encoding TO 'UTF8'; SET extra_float_digits TO 3",
                           what: "setting up the session")
        openConnection = opened
        return opened
    }

    /// A column by its exact name, or by a name differing only in case when that is unique
    /// (people write `updated_at` for a column created as "Updated_At" less often than the reverse).
    private func column(named name: String, in columns: [PGSourceColumn], role: String, stream: String) throws(PluginError) -> PGSourceColumn {
        if let exact = columns.first(where: { $0.name == name }) { return exact }
        let folded = columns.filter { $0.name.lowercased() == name.lowercased() }
        if folded.count == 1 { return folded[0] }
        let names = columns.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
        throw .invalidConfig("\(role) \(PGIdentifier.quoted(name)) is not a column of stream \"\(stream)\"; its columns are \(names)")
    }

    /// "fail": refuses to read while any row has a NULL cursor. "load"/"reject": NULL rows are
    /// read once, first; later ones cannot be placed after the watermark, so a warning says how
    /// many arrived and that a full refresh picks them up.
    private func checkNullCursors(_ options: IncrementalOptions, state: PGCursorState?, cursor: String,
                                  relation: PGSourceRelation, stream: String, connection: PostgresConnection) throws(PluginError) {
        let countSQL = PGReadPlan.nullCount(relation: relation, cursor: cursor)
        func count() throws(PluginError) -> Int64 {
            let rows = try connection.query(countSQL, what: "counting NULL cursors of stream \"\(stream)\"").rows
            return Int64((rows.first?.first ?? nil) ?? "0") ?? 0
        }
        switch options.nullCursor {
        case .fail:
            let found = try count()
            guard found == 0 else {
                throw .badData("\(found) row(s) of stream \"\(stream)\" in \(connection.description) have a NULL cursor \(PGIdentifier.quoted(cursor)), which an incremental read cannot place; set the entry's null_cursor to \"load\" (load them once) or \"reject\" (send them to etl_rejects), or fill the column")
            }
        case .load, .reject:
            guard let state, state.cursor != nil else { return }
            let found = try count()
            if found > state.nullRows {
                host.warning("\(found - state.nullRows) row(s) of stream \"\(stream)\" got a NULL cursor \(PGIdentifier.quoted(cursor)) after the first run; incremental runs cannot place them after the watermark, so they are not read. A full refresh reads them")
            }
        }
    }
}
