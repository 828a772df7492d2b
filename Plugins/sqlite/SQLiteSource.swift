import CSQLite
import ETLArrow
import ETLPluginKit
import ETLSQLSource

/// The `sqlite` source: reads one table or query of a SQLite database file as one stream, in
/// full or incrementally on a cursor column (standing in for a production database with change
/// tracking).
///
/// Incremental reads resume exactly: ties on the cursor are ordered by the primary key when the
/// entry has one, and recognised by row hash otherwise (see `CursorState`, `ReadPlan`). The
/// cursor never moves backwards, an empty run keeps the state it started from, and NULL cursors
/// follow the entry's `null_cursor` policy.
final class SQLiteSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "sqlite",
        version: "1.0.0",
        description: "Reads a table or query of a SQLite database, in full or incrementally on a cursor column",
        capabilities: [.incremental, .discover, .positions],
        configSchema: SQLiteSourceSettings.schema)

    private static let busyTimeoutMilliseconds: Int32 = 5_000

    private let settings: SQLiteSourceSettings
    private let host: PluginHost
    private var openConnection: SQLiteConnection?
    /// The current read, whose state `checkpoint` reports.
    private var reader: SQLiteReader?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try SQLiteSourceSettings(config)
        self.host = host
    }

    /// Opens the file and compiles the table's or query's columns.
    func check() throws(PluginError) {
        _ = try SourceColumns.discover(settings, connection: try connection())
    }

    func discover() throws(PluginError) -> [StreamDescription] {
        let columns = try SourceColumns.discover(settings, connection: try connection())
        return [StreamDescription(name: settings.stream, schema: Self.schema(columns))]
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        guard request.stream == settings.stream else {
            throw .invalidConfig("this sqlite source offers the stream \"\(settings.stream)\", not \"\(request.stream)\"; fix the entry's stream")
        }
        let connection = try connection()
        let columns = try SourceColumns.discover(settings, connection: connection)
        reader = nil
        let positions = try SourcePositionColumn(request: request, streamSchema: Self.schema(columns))
        guard let cursorField = request.cursorField else {
            let plan = ReadPlan.full(columns: columns, relation: settings.relation)
            let statement = try prepare(plan, connection: connection)
            let reader = SQLiteReader(statement: statement, columns: columns, host: host, stream: settings.stream,
                                      request: request, positions: positions, incremental: nil, startStateJSON: nil)
            self.reader = reader
            return reader
        }
        let options = try IncrementalOptions(try request.options())
        let cursor = try column(named: cursorField, in: columns, role: "cursor_field")
        guard columns[cursor].type != .binary else {
            throw .invalidConfig("cursor_field \(SQLIdentifier.quoted(cursorField)) of stream \"\(settings.stream)\" is a binary column; a watermark needs numbers or text")
        }
        var keyIndexes: [Int32] = []
        for name in options.primaryKey {
            keyIndexes.append(Int32(try column(named: name, in: columns, role: "primary_key")))
        }
        let cursorName = columns[cursor].name
        let keyNames = keyIndexes.map { columns[Int($0)].name }
        let state = try request.stateJSON.map { (text) throws(PluginError) in
            try CursorState.parse(text, cursorField: cursorName, keyNames: keyNames)
        }
        let initial = try initialValue(request.initialValueJSON, cursor: cursorName, connection: connection)
        try checkNullCursors(options, state: state, cursor: cursorName, connection: connection)

        let textCursor = columns[cursor].type == .utf8 || columns[cursor].type == .timestampMicrosecondsUTC
        var lookbackStart: String?
        if options.lookbackSeconds > 0, let saved = state?.cursor {
            lookbackStart = try Self.lookbackStart(saved, seconds: options.lookbackSeconds, cursor: cursorName, textCursor: textCursor)
        }
        var upperBound: Double?
        if options.safetyLagSeconds > 0 {
            guard textCursor else {
                throw .invalidConfig("safety_lag needs a cursor of timestamp text; \(SQLIdentifier.quoted(cursorName)) is \(columns[cursor].type.displayName). Remove safety_lag or use a timestamp cursor")
            }
            let seconds = Double(Clock.nowMicros()) / 1_000_000 - options.safetyLagSeconds
            upperBound = seconds / 86_400 + 2_440_587.5
        }
        let plan = ReadPlan.incremental(columns: columns, relation: settings.relation, cursor: cursorName, key: keyNames,
                                        state: state, initial: initial, includeNulls: options.nullCursor != .fail,
                                        lookbackStart: lookbackStart, upperBound: upperBound)
        let statement = try prepare(plan, connection: connection)
        let setup = IncrementalReadSetup(cursorField: cursorName, cursorIndex: Int32(cursor), keyNames: keyNames,
                                         keyIndexes: keyIndexes, nullCursor: options.nullCursor, startState: state,
                                         skipsBoundaryRows: plan.skipsBoundaryRows, rereadsWindow: lookbackStart != nil)
        let reader = SQLiteReader(statement: statement, columns: columns, host: host, stream: settings.stream,
                                  request: request, positions: positions, incremental: setup, startStateJSON: request.stateJSON)
        self.reader = reader
        return reader
    }

    func checkpoint() throws(PluginError) -> String? {
        reader?.stateJSON
    }

    // MARK: Helpers

    private func connection() throws(PluginError) -> SQLiteConnection {
        if let openConnection { return openConnection }
        let opened = try SQLiteConnection(path: settings.path, readOnly: true, create: false)
        opened.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
        openConnection = opened
        return opened
    }

    private static func schema(_ columns: [SourceColumn]) -> ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type) })
    }

    private func prepare(_ plan: ReadPlan, connection: SQLiteConnection) throws(PluginError) -> SQLiteStatement {
        let statement = try connection.prepare(plan.sql)
        for (index, value) in plan.bindings.enumerated() { statement.bind(value, at: Int32(index + 1)) }
        return statement
    }

    private func column(named name: String, in columns: [SourceColumn], role: String) throws(PluginError) -> Int {
        let folded = SQLIdentifier.folded(name)
        guard let index = columns.firstIndex(where: { SQLIdentifier.folded($0.name) == folded }) else {
            let names = columns.map { SQLIdentifier.quoted($0.name) }.joined(separator: ", ")
            throw .invalidConfig("\(role) \(SQLIdentifier.quoted(name)) is not a column of stream \"\(settings.stream)\" in \(settings.path); its columns are \(names)")
        }
        return index
    }

    /// The entry's `initial_value` as a SQLite value. A timestamp given in another spelling than
    /// the column stores ("2024-01-01T00:00:00Z" against "2024-01-01 00:00:00.000000") is
    /// rewritten in the stored spelling, since text compares byte by byte.
    private func initialValue(_ json: String?, cursor: String, connection: SQLiteConnection) throws(PluginError) -> SQLValue? {
        guard let json else { return nil }
        let wrapper = try PluginConfig(parsing: "{\"initial_value\": \(json)}", path: "entry")
        guard let value = try CursorState.scalar(wrapper, "initial_value") else { return nil }
        guard case .text(let text) = value, let given = ArrowTimestampText.parse(text) else { return value }
        let sample = try connection.prepare(
            "SELECT \(SQLIdentifier.quoted(cursor)) FROM \(Self.from(settings.relation)) WHERE typeof(\(SQLIdentifier.quoted(cursor))) = 'text' LIMIT 1")
        guard try sample.step(), let stored = sample.text(0), let storedStyle = ArrowTimestampText.parse(stored)?.style else {
            return value
        }
        return .text(ArrowTimestampText.format(micros: given.micros, style: storedStyle))
    }

    private static func from(_ relation: SourceRelation) -> String {
        switch relation {
        case .table(let table): return SQLIdentifier.quoted(table)
        case .query(let query): return "(\(query)) AS \"_etl_source\""
        }
    }

    /// "fail": refuses to read while any row has a NULL cursor. "load"/"reject": NULL rows are
    /// read once, first; later ones cannot be placed after the watermark, so a warning says how
    /// many arrived and that a full refresh picks them up.
    private func checkNullCursors(_ options: IncrementalOptions, state: CursorState?, cursor: String,
                                  connection: SQLiteConnection) throws(PluginError) {
        let countSQL = ReadPlan.nullCount(relation: settings.relation, cursor: cursor)
        switch options.nullCursor {
        case .fail:
            let count = try connection.integer(countSQL)
            guard count == 0 else {
                throw .badData("\(count) row(s) of stream \"\(settings.stream)\" in \(settings.path) have a NULL cursor \(SQLIdentifier.quoted(cursor)), which an incremental read cannot place; set the entry's null_cursor to \"load\" (load them once) or \"reject\" (send them to etl_rejects), or fill the column")
            }
        case .load, .reject:
            guard let state, state.cursor != nil else { return }
            let count = try connection.integer(countSQL)
            if count > state.nullRows {
                host.warning("\(count - state.nullRows) row(s) of stream \"\(settings.stream)\" got a NULL cursor \(SQLIdentifier.quoted(cursor)) after the first run; incremental runs cannot place them after the watermark, so they are not read. A full refresh reads them")
            }
        }
    }

    private static func lookbackStart(_ saved: SQLValue, seconds: Double, cursor: String, textCursor: Bool) throws(PluginError) -> String {
        guard textCursor, case .text(let text) = saved, let parsed = ArrowTimestampText.parse(text) else {
            throw .invalidConfig("lookback needs a cursor of timestamp text; the watermark of \(SQLIdentifier.quoted(cursor)) is \(saved.displayText). Remove lookback or use a timestamp cursor")
        }
        let start = parsed.micros - Int64((seconds * 1_000_000).rounded())
        return ArrowTimestampText.format(micros: start, style: parsed.style)
    }
}
