import CETLPlugin
import CSQLite
import ETLArrow
import ETLPluginKit

/// Streams the rows of one read as Arrow batches, bounded by rows and bytes, and keeps the resume
/// state that matches exactly the rows handed out so far.
///
/// The statement is stepped lazily, one batch per `produceNextBatch`, so memory stays at one
/// batch whatever the table's size. Rows that cannot be read as their column's type go to the
/// host's rejects and still move the state forward (they were dealt with); rows skipped as
/// already emitted (ties at the boundary of an unkeyed read) change nothing.
final class SQLiteReader: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let statement: SQLiteStatement
    private let columns: [SourceColumn]
    private let builder: RecordBatchBuilder
    private let host: PluginHost
    private let stream: String
    private let batchSize: Int
    private let maxBatchBytes: Int
    private let maxRecords: Int64
    private let incremental: IncrementalReadSetup?
    /// The `_etl_position` column when the read asked for positions: each row's position as a
    /// reject of it would name it (its ordinal, or its cursor and key).
    private let positions: SourcePositionColumn?
    /// Where the read stands after the last row dealt with.
    private var progress: CursorState?
    /// Boundary rows still expected from earlier runs (hash → how many more to skip).
    private var remainingSkips: [UInt64: Int]
    /// The columns a row's hash covers (see `RowHash.storedColumns`).
    private let hashedColumns: [Int32]
    /// The row's converted values, reused row after row.
    private var values: [ConvertedValue]
    /// Rows dealt with (emitted or rejected) in this read.
    private var consumed: Int64 = 0
    /// Rows stepped over in this read, for reject positions of full reads.
    private var ordinal: Int64 = 0
    private var finished = false

    /// The resume state matching the batches handed out so far (the read's starting state until
    /// the first batch).
    private(set) var stateJSON: String?

    init(statement: SQLiteStatement, columns: [SourceColumn], host: PluginHost, stream: String, request: ReadRequest,
         positions: SourcePositionColumn? = nil, incremental: IncrementalReadSetup?, startStateJSON: String?) {
        self.statement = statement
        self.columns = columns
        self.positions = positions
        self.schema = positions?.schema ?? ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type) })
        self.builder = RecordBatchBuilder(schema: schema, capacity: Int(min(request.batchSize, 65_536)))
        self.host = host
        self.stream = stream
        self.batchSize = Int(request.batchSize)
        self.maxBatchBytes = Int(request.maxBatchBytes)
        self.maxRecords = request.maxRecords
        self.incremental = incremental
        self.progress = incremental?.startState
        self.remainingSkips = incremental?.skipsBoundaryRows == true ? (incremental?.startState?.boundary ?? [:]) : [:]
        self.values = Array(repeating: .null, count: columns.count)
        self.hashedColumns = RowHash.storedColumns(statement.handle, count: Int32(columns.count),
                                                   cursor: incremental?.cursorIndex ?? 0)
        self.stateJSON = startStateJSON
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !finished else { return false }
        if host.isCancelled {
            throw ArrowError(.producerFailed, "reading stream \"\(stream)\" of \(statement.connection.path) stopped because the host asked to cancel the run")
        }
        var emitted = 0
        var dealtWith = 0
        while emitted < batchSize && dealtWith < batchSize {
            if maxRecords > 0 && consumed >= maxRecords {
                finish()
                break
            }
            let code = sqlite3_step(statement.handle)
            if code == SQLITE_DONE {
                finish()
                break
            }
            guard code == SQLITE_ROW else {
                let error = statement.connection.failure(code, sql: statement.sql, table: nil)
                finish()
                throw ArrowError(.producerFailed, "reading stream \"\(stream)\": \(error.message)")
            }
            ordinal += 1
            switch try handleRow() {
            case .emitted:
                emitted += 1
                dealtWith += 1
            case .rejected:
                dealtWith += 1
            case .skipped:
                continue
            }
            consumed += 1
            if maxBatchBytes > 0 && builder.byteSize >= maxBatchBytes { break }
        }
        // Rows rejected without any row emitted still moved the state: hand out an empty batch so
        // that the host commits the checkpoint covering them.
        guard emitted > 0 || dealtWith > 0 else { return false }
        try builder.finish(into: out)
        if incremental != nil, let progress {
            stateJSON = progress.json(keyNames: incremental?.keyNames ?? [])
        }
        return true
    }

    private enum RowOutcome { case emitted, rejected, skipped }

    private func handleRow() throws(ArrowError) -> RowOutcome {
        let handle = statement.handle
        var rowCursor: SQLValue?
        var rowKey: [SQLValue]?
        var rowHash: UInt64 = 0
        if let incremental {
            // Typed reads first: the conversions below may change SQLite's cached storage class.
            rowCursor = try cursorValue(incremental)
            if !incremental.keyIndexes.isEmpty {
                rowKey = try keyValues(incremental, cursor: rowCursor)
            } else {
                rowHash = RowHash.hash(handle, columns: hashedColumns)
                if incremental.skipsBoundaryRows, isAtStartBoundary(rowCursor, incremental),
                   let remaining = remainingSkips[rowHash], remaining > 0 {
                    remainingSkips[rowHash] = remaining - 1
                    return .skipped
                }
            }
            if rowCursor == nil {
                switch incremental.nullCursor {
                case .fail:
                    throw ArrowError(.producerFailed, "stream \"\(stream)\" has a row whose cursor \(SQLIdentifier.quoted(incremental.cursorField)) is NULL (it appeared during the read); set null_cursor to \"load\" or \"reject\", or fix the data")
                case .reject:
                    host.reportReject(position: position(rowCursor, rowKey), raw: rawText(), reason: "cursor column \(SQLIdentifier.quoted(incremental.cursorField)) is NULL (null_cursor: reject)")
                    advance(cursor: rowCursor, key: rowKey, hash: rowHash)
                    return .rejected
                case .load:
                    break
                }
            }
        }
        for index in 0..<columns.count {
            guard let value = ValueConversion.convert(handle, Int32(index), to: columns[index].type) else {
                let reason = ValueConversion.failureReason(handle, Int32(index), type: columns[index].type, column: columns[index].name)
                host.reportReject(position: position(rowCursor, rowKey), raw: rawText(), reason: reason)
                advance(cursor: rowCursor, key: rowKey, hash: rowHash)
                return .rejected
            }
            values[index] = value
        }
        for index in 0..<columns.count {
            switch values[index] {
            case .null: try builder.appendNull(column: index)
            case .integer(let value): try builder.append(int64: value, column: index)
            case .double(let value): try builder.append(double: value, column: index)
            case .bool(let value): try builder.append(bool: value, column: index)
            case .text(let bytes): try builder.append(utf8: bytes, column: index)
            case .bytes(let bytes): try builder.append(binary: bytes, column: index)
            case .micros(let value): try builder.append(timestampMicroseconds: value, column: index)
            case .days(let value): try builder.append(date32: value, column: index)
            }
        }
        if let positions { try positions.append(position(rowCursor, rowKey), to: builder) }
        advance(cursor: rowCursor, key: rowKey, hash: rowHash)
        return .emitted
    }

    private func cursorValue(_ incremental: IncrementalReadSetup) throws(ArrowError) -> SQLValue? {
        let index = incremental.cursorIndex
        if sqlite3_column_type(statement.handle, index) == SQLITE_BLOB {
            throw ArrowError(.producerFailed, "stream \"\(stream)\": cursor column \(SQLIdentifier.quoted(incremental.cursorField)) holds a BLOB, which cannot be a watermark; use a numeric or text cursor column")
        }
        return statement.value(index)
    }

    private func keyValues(_ incremental: IncrementalReadSetup, cursor: SQLValue?) throws(ArrowError) -> [SQLValue] {
        var key: [SQLValue] = []
        for (position, index) in incremental.keyIndexes.enumerated() {
            guard sqlite3_column_type(statement.handle, index) != SQLITE_BLOB, let value = statement.value(index) else {
                throw ArrowError(.producerFailed, "stream \"\(stream)\": a row at cursor \(cursor?.displayText ?? "NULL") has NULL (or a BLOB) in primary key column \(SQLIdentifier.quoted(incremental.keyNames[position])), so it has no place in the (cursor, key) order; fix the data or the entry's primary_key")
            }
            key.append(value)
        }
        return key
    }

    /// Whether a row sits at the value the read resumed from (where earlier runs stopped).
    private func isAtStartBoundary(_ cursor: SQLValue?, _ incremental: IncrementalReadSetup) -> Bool {
        guard let start = incremental.startState else { return false }
        switch (cursor, start.cursor) {
        case (nil, nil): return true
        case (let row?, let saved?): return SQLValue.compare(row, saved) == 0
        default: return false
        }
    }

    /// Moves the state to include a row dealt with. The cursor never moves back: rows of a
    /// lookback window below the saved cursor leave it as it is.
    private func advance(cursor: SQLValue?, key: [SQLValue]?, hash: UInt64) {
        guard let incremental else { return }
        guard var state = progress else {
            var fresh = CursorState(cursorField: incremental.cursorField, cursor: cursor, key: key)
            if key == nil { fresh.boundary = [hash: 1] }
            if cursor == nil { fresh.nullRows = 1 }
            progress = fresh
            return
        }
        if cursor == nil { state.nullRows += 1 }
        let order = Self.compare(cursor, state.cursor)
        if order > 0 {
            state.cursor = cursor
            state.key = key
            state.boundary = key == nil ? [hash: 1] : [:]
        } else if order == 0 {
            if let key {
                if state.key.map({ Self.compare(key, $0) > 0 }) ?? true { state.key = key }
            } else if incremental.rereadsWindow {
                // A re-read row may already be listed; list each distinct row once.
                if state.boundary[hash] == nil { state.boundary[hash] = 1 }
            } else {
                state.boundary[hash, default: 0] += 1
            }
        }
        progress = state
    }

    /// NULL sorts first, as in SQLite's ORDER BY.
    private static func compare(_ left: SQLValue?, _ right: SQLValue?) -> Int {
        switch (left, right) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?): return SQLValue.compare(a, b)
        }
    }

    private static func compare(_ left: [SQLValue], _ right: [SQLValue]) -> Int {
        for (a, b) in zip(left, right) {
            let order = SQLValue.compare(a, b)
            if order != 0 { return order }
        }
        return 0
    }

    private func finish() {
        finished = true
        // Ends the statement's read transaction now rather than when the stream is released.
        statement.reset()
    }

    /// Where a row came from, for its reject or its `_etl_position`: its cursor and key for
    /// incremental reads, its ordinal in the read otherwise.
    private func position(_ cursor: SQLValue?, _ key: [SQLValue]?) -> String {
        guard let incremental else { return "\(statement.connection.path): stream \(stream), row \(ordinal)" }
        var parts = ["\(incremental.cursorField)=\(cursor?.displayText ?? "NULL")"]
        if let key {
            for (name, value) in zip(incremental.keyNames, key) { parts.append("\(name)=\(value.displayText)") }
        }
        return "\(statement.connection.path): stream \(stream) [\(parts.joined(separator: ", "))]"
    }

    /// The row as `name=value` pairs, for the reject's raw text.
    private func rawText() -> String {
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            let value: String
            switch sqlite3_column_type(statement.handle, Int32(index)) {
            case SQLITE_NULL: value = "NULL"
            case SQLITE_BLOB: value = "x'" + ValueConversion.text(statement.handle, Int32(index)).map { RowHash.hexByte($0) }.joined() + "'"
            default: value = String(decoding: ValueConversion.text(statement.handle, Int32(index)), as: UTF8.self)
            }
            parts.append("\(column.name)=\(value)")
        }
        return parts.joined(separator: ", ")
    }
}
