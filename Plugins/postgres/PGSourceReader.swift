import CETLPlugin
import ETLArrow
import ETLPluginKit
import ETLSQLSource

/// What the reader needs to follow an incremental read (see PGReadPlan for the hidden columns).
struct PGIncrementalSetup: Sendable {
    var cursorField: String
    var keyNames: [String]
    /// Names whose values the state writes as JSON numbers (integer columns).
    var integerColumns: Set<String>
    var nullCursor: NullCursorHandling
    /// The state the read started from (nil on a first run).
    var startState: PGCursorState?
    /// Whether rows at the start state's boundary listed in its hashes are skipped.
    var skipsBoundaryRows: Bool
}

/// Streams the rows of one COPY as Arrow batches, bounded by rows and bytes, and keeps the resume
/// state that matches exactly the rows handed out so far. The same rules as the `sqlite`
/// source's reader: rejected rows move the state (they were dealt with), skipped boundary rows
/// do not, and the cursor never moves back.
///
/// The read's transaction (REPEATABLE READ, READ ONLY) ends with COMMIT when the data ends.
final class PGSourceReader: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let copy: CopyOut
    private let connection: PostgresConnection
    private let columns: [PGSourceColumn]
    private let builder: RecordBatchBuilder
    private let host: PluginHost
    private let stream: String
    private let batchSize: Int
    private let maxBatchBytes: Int
    private let maxRecords: Int64
    private let incremental: PGIncrementalSetup?
    private let positions: SourcePositionColumn?
    private var progress: PGCursorState?
    private var remainingSkips: [UInt64: Int]
    private var fields: [UnsafeRawBufferPointer?]
    private var values: [PGFieldDecoder.Value?]
    private var consumed: Int64 = 0
    private var ordinal: Int64 = 0
    private var finished = false
    /// The rows the read is expected to hand over (PGRowEstimate, capped by max_records), nil
    /// when unknown: the progress total.
    private let expectedRows: Int64?

    /// The resume state matching the batches handed out so far.
    private(set) var stateJSON: String?

    init(copy: CopyOut, connection: PostgresConnection, columns: [PGSourceColumn], host: PluginHost, stream: String,
         request: ReadRequest, positions: SourcePositionColumn?, incremental: PGIncrementalSetup?, estimatedRows: Int64?) {
        self.copy = copy
        self.connection = connection
        self.columns = columns
        self.positions = positions
        self.schema = positions?.schema ?? PGSourceColumn.schema(columns)
        self.builder = RecordBatchBuilder(schema: schema, capacity: Int(min(request.batchSize, 65_536)))
        self.host = host
        self.stream = stream
        self.batchSize = Int(request.batchSize)
        self.maxBatchBytes = Int(request.maxBatchBytes)
        self.maxRecords = request.maxRecords
        self.incremental = incremental
        self.progress = incremental?.startState
        self.remainingSkips = incremental?.skipsBoundaryRows == true ? (incremental?.startState?.boundary ?? [:]) : [:]
        let hidden = incremental.map { 2 + $0.keyNames.count } ?? 0
        self.fields = Array(repeating: nil, count: columns.count + hidden)
        self.values = Array(repeating: nil, count: columns.count)
        self.stateJSON = request.stateJSON
        self.expectedRows = request.maxRecords > 0 ? min(estimatedRows ?? request.maxRecords, request.maxRecords) : estimatedRows
    }

    /// A stream released before its end (the run stopped) cancels its COPY and ends the
    /// transaction, so the connection serves the next read.
    deinit {
        if !finished { stopEarly() }
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !finished else { return false }
        if host.isCancelled {
            throw ArrowError(.producerFailed, "reading stream \"\(stream)\" of \(connection.description) stopped because the host asked to cancel the run")
        }
        var emitted = 0
        var dealtWith = 0
        while emitted < batchSize && dealtWith < batchSize {
            if maxRecords > 0 && consumed >= maxRecords {
                stopEarly()
                break
            }
            let more: Bool
            do { more = try copy.nextTuple(fieldCount: fields.count, into: &fields) } catch {
                finished = true
                throw ArrowError(.producerFailed, "reading stream \"\(stream)\": \(error.message)")
            }
            guard more else {
                try finish()
                break
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
        reportProgress()
        guard emitted > 0 || dealtWith > 0 else { return false }
        try builder.finish(into: out)
        if let incremental, let progress {
            stateJSON = progress.json(keyNames: incremental.keyNames, numeric: { incremental.integerColumns.contains($0) })
        }
        return true
    }

    /// Rows taken from the COPY against the rows expected. Once the rows outnumber a low
    /// estimate the total is unknown rather than a wrong 100 %; at the end it is what was read.
    private func reportProgress() {
        let total: Int64? = finished ? ordinal : expectedRows.flatMap { $0 >= ordinal ? $0 : nil }
        host.reportProgress(done: ordinal, total: total)
    }

    private enum RowOutcome { case emitted, rejected, skipped }

    private func handleRow() throws(ArrowError) -> RowOutcome {
        var cursor: String?
        var key: [String]?
        var hash = BoundaryHash.offsetBasis
        var order = 1
        if let incremental {
            let base = columns.count
            cursor = text(fields[base])
            if !incremental.keyNames.isEmpty {
                var values: [String] = []
                for (index, name) in incremental.keyNames.enumerated() {
                    guard let value = text(fields[base + 1 + index]) else {
                        throw ArrowError(.producerFailed, "stream \"\(stream)\": a row at cursor \(cursor ?? "NULL") has NULL in primary key column \(PGIdentifier.quoted(name)), so it has no place in the (cursor, key) order; fix the data or the entry's primary_key")
                    }
                    values.append(value)
                }
                key = values
            } else {
                for index in 0..<columns.count {
                    if let field = fields[index] {
                        BoundaryHash.mix(&hash, length: Int32(field.count))
                        BoundaryHash.mix(&hash, field)
                    } else {
                        BoundaryHash.mix(&hash, length: -1)
                    }
                }
                if incremental.skipsBoundaryRows, cursor == incremental.startState?.cursor,
                   let remaining = remainingSkips[hash], remaining > 0 {
                    remainingSkips[hash] = remaining - 1
                    return .skipped
                }
            }
            if let field = fields[base + 1 + incremental.keyNames.count], field.count == 4 {
                order = Int(Int32(bitPattern: UInt32(field[0]) << 24 | UInt32(field[1]) << 16 | UInt32(field[2]) << 8 | UInt32(field[3])))
            }
            if cursor == nil {
                switch incremental.nullCursor {
                case .fail:
                    throw ArrowError(.producerFailed, "stream \"\(stream)\" has a row whose cursor \(PGIdentifier.quoted(incremental.cursorField)) is NULL (it appeared during the read); set null_cursor to \"load\" or \"reject\", or fix the data")
                case .reject:
                    host.reportReject(position: position(cursor, key), raw: rawText(), reason: "cursor column \(PGIdentifier.quoted(incremental.cursorField)) is NULL (null_cursor: reject)")
                    advance(cursor: cursor, key: key, hash: hash, order: order)
                    return .rejected
                case .load:
                    break
                }
            }
        }
        for index in 0..<columns.count {
            guard let field = fields[index] else {
                values[index] = nil
                continue
            }
            switch PGFieldDecoder.decode(field, as: columns[index].decoding) {
            case .success(let value): values[index] = value
            case .failure(let problem):
                host.reportReject(position: position(cursor, key), raw: rawText(),
                                  reason: "column \(PGIdentifier.quoted(columns[index].name)): \(problem.reason)")
                advance(cursor: cursor, key: key, hash: hash, order: order)
                return .rejected
            }
        }
        for index in 0..<columns.count {
            if let value = values[index] {
                try PGFieldDecoder.append(value, column: index, to: builder)
            } else {
                try builder.appendNull(column: index)
            }
        }
        if let positions { try positions.append(position(cursor, key), to: builder) }
        advance(cursor: cursor, key: key, hash: hash, order: order)
        return .emitted
    }

    /// Moves the state to include a row dealt with. Rows come in (cursor, key) order, so a row
    /// is never before the previous one; only a lookback window re-reads rows at or before the
    /// saved position (`order` -1 or 0 against it, from the query), and those leave the cursor
    /// where it is.
    private func advance(cursor: String?, key: [String]?, hash: UInt64, order: Int) {
        guard let incremental else { return }
        guard var state = progress else {
            var fresh = PGCursorState(cursorField: incremental.cursorField, cursor: cursor, key: key)
            if key == nil { fresh.boundary = [hash: 1] }
            if cursor == nil { fresh.nullRows = 1 }
            progress = fresh
            return
        }
        if cursor == nil {
            state.nullRows += 1
            if key != nil { state.key = key } else { state.boundary[hash, default: 0] += 1 }
        } else if state.cursor == incremental.startState?.cursor && state.cursor != nil && order <= 0 {
            // A lookback row at or before where the last run stopped.
            if order == 0, key == nil, state.boundary[hash] == nil { state.boundary[hash] = 1 }
        } else if state.cursor == cursor {
            if key != nil { state.key = key } else { state.boundary[hash, default: 0] += 1 }
        } else {
            state.cursor = cursor
            state.key = key
            state.boundary = key == nil ? [hash: 1] : [:]
        }
        progress = state
    }

    /// The COPY ended: the snapshot's transaction ends too.
    private func finish() throws(ArrowError) {
        guard !finished else { return }
        finished = true
        do {
            try connection.execute("COMMIT", what: "ending the read of stream \"\(stream)\"")
        } catch {
            throw ArrowError(.producerFailed, "reading stream \"\(stream)\": \(error.message)")
        }
    }

    /// max_records reached: the rest of the COPY is cancelled rather than read.
    private func stopEarly() {
        finished = true
        copy.cancel()
        connection.rollbackIfOpen()
    }

    private func text(_ field: UnsafeRawBufferPointer?) -> String? {
        field.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Where a row came from: its cursor and key for incremental reads, its ordinal otherwise.
    private func position(_ cursor: String?, _ key: [String]?) -> String {
        guard let incremental else { return "\(connection.description): stream \(stream), row \(ordinal)" }
        var parts = ["\(incremental.cursorField)=\(cursor ?? "NULL")"]
        if let key {
            for (name, value) in zip(incremental.keyNames, key) { parts.append("\(name)=\(value)") }
        }
        return "\(connection.description): stream \(stream) [\(parts.joined(separator: ", "))]"
    }

    /// The row as `name=value` pairs for the reject: text columns as text, others by size (their
    /// binary form means nothing to a reader).
    private func rawText() -> String {
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            guard let field = fields[index] else {
                parts.append("\(column.name)=NULL")
                continue
            }
            if column.decoding == .text {
                parts.append("\(column.name)=\(String(decoding: field, as: UTF8.self))")
            } else if case .integer(let value)? = PGFieldDecoder.decode(field, as: column.decoding).success {
                parts.append("\(column.name)=\(value)")
            } else {
                parts.append("\(column.name)=<\(field.count) bytes of \(column.type.displayName)>")
            }
        }
        return parts.joined(separator: ", ")
    }
}

private extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
