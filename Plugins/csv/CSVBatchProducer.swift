import CETLPlugin
import ETLArrow
import ETLPluginKit

/// Reads the planned files record by record into Arrow batches: the stream `read` returns.
///
/// A batch ends after `batch_size` rows, when the builder holds `max_batch_bytes` (checked
/// after each row, so a batch passes the limit by at most one row), when `max_records` rows have
/// been produced in all, or at the end of the last file. Rows that cannot be read are reported
/// to the host as rejects and belong to the batch in progress. After each batch, `state` is the
/// position just after the last record that batch consumed (loaded or rejected).
final class CSVBatchProducer: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let settings: CSVSettings
    private let layout: StreamLayout
    private let host: PluginHost
    private let opener: InputOpener
    /// True for an incremental read: the state is kept and a last line without a line break
    /// waits for the file to be quiet.
    let isIncremental: Bool
    private let policy: CSVRecordReader.FinalRecordPolicy
    private let builder: RecordBatchBuilder
    private let decoder: BlockDecoder
    /// Records decoded at a time: enough that the per-column work per block is noise, few enough
    /// that a block's spans and bytes stay in the L1 data cache while each column goes over them
    /// (64 census records: 23 KiB of spans). 256 missed L1 twice as often (cachegrind, a 100,000-row
    /// load: 6.8 M read misses, 3.6 M with 64) and the 1 M-row swap took 0.975 s against 0.945 s
    /// (medians of eight alternating runs).
    private static let blockRecords = 64
    private let batchSize: Int
    private let maxBatchBytes: Int
    private let maxRecords: Int64
    /// The most a row adds to the batch beyond its record's bytes: per column its value or
    /// offset width and a validity byte (a generous bound for one bit).
    private let rowOverhead: Int
    /// The raw text of rejects in a single-byte encoding is transcoded here.
    private let rawTranscoder: TranscodeBuffer?
    /// The `_etl_position` column when the read asked for positions (each row's `path:line`, as
    /// its reject would say); nil leaves the row loop as it was.
    private let positions: SourcePositionColumn?
    private let plan: [PlannedFile]
    private var nextPlanned = 0
    private var current: OpenFile?
    /// How much of the planned files' bytes the read has consumed, reported after each batch.
    private var progress: CSVReadProgress
    private var produced: Int64 = 0
    private var ended = false

    /// The resume state after the last batch (incremental reads only).
    private(set) var state: CSVResumeState

    /// A file being read: its reader, which stream column each field loads into, and what the
    /// state last recorded for it.
    private final class OpenFile {
        let path: String
        let reader: CSVRecordReader
        /// Where the read started in the file's bytes (its planned offset).
        let startOffset: Int64
        let columnOf: UnsafeMutablePointer<Int>
        let fieldCount: Int
        /// The header names, kept in the state of a file known by its path (nil otherwise).
        let keptHeader: [String]?
        var syncedOffset: Int64
        var syncedDone: Bool

        init(path: String, reader: CSVRecordReader, mapping: [Int], header: [String]?, startOffset: Int64, startDone: Bool) {
            self.path = path
            self.reader = reader
            self.startOffset = startOffset
            keptHeader = reader.file.isIdentifiedByPath ? header : nil
            fieldCount = mapping.count
            columnOf = .allocate(capacity: Swift.max(mapping.count, 1))
            columnOf.initialize(from: mapping, count: mapping.count)
            syncedOffset = startOffset
            syncedDone = startDone
        }

        deinit { columnOf.deallocate() }
    }

    init(settings: CSVSettings, layout: StreamLayout, plan: [PlannedFile], state: CSVResumeState, incremental: Bool,
         request: ReadRequest, positions: SourcePositionColumn? = nil, host: PluginHost, opener: InputOpener) {
        self.opener = opener
        self.settings = settings
        self.layout = layout
        self.plan = plan
        self.state = state
        isIncremental = incremental
        self.host = host
        self.positions = positions
        schema = positions?.schema ?? layout.schema
        policy = incremental ? .whenQuietFor(seconds: settings.lastLineQuietSeconds) : .always
        batchSize = Int(Swift.min(request.batchSize, Int64(Int32.max)))
        maxBatchBytes = Int(request.maxBatchBytes)
        maxRecords = request.maxRecords
        // No capacity hint: the builder would reserve 16 bytes of text per row, rounded up to a
        // power of two, in each of the up to three batches alive at once (built, read ahead,
        // written): census-like short text needs far less, and the load peaked 5 MiB higher
        // (bench/README.md). The one builder is reused for every batch, and from the second
        // batch on it starts each buffer at the size the last batch needed (ColumnBuilder).
        builder = RecordBatchBuilder(schema: schema, capacity: 0)
        rowOverhead = layout.columns.reduce(0) { total, column in
            switch column.type {
            case .int64, .double, .timestamp: total + 9
            case .date, .text: total + 5
            case .bool: total + 2
            }
        } + (positions == nil ? 0 : settings.path.utf8.count + 64)  // `path:line`, its offset and validity
        decoder = BlockDecoder(columns: layout.columns, nullValues: NullValueSet(settings.nullValues), trim: settings.dialect.trim,
                               encoding: settings.encoding, numberFormat: settings.numberFormat, capacity: Self.blockRecords)
        rawTranscoder = settings.encoding.readsAsUTF8 ? nil : TranscodeBuffer(settings.encoding)
        progress = CSVReadProgress(plan: plan, opener: opener)
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        do throws(PluginError) {
            return try produce(into: out)
        } catch {
            ended = true
            throw ArrowError(.producerFailed, error.message)
        }
    }

    private func produce(into out: UnsafeMutablePointer<ArrowArray>) throws(PluginError) -> Bool {
        guard !ended else { return false }
        try host.throwIfCancelled("reading \(settings.path)")
        var limit = batchSize
        if maxRecords > 0 { limit = Int(Swift.min(Int64(limit), maxRecords - produced)) }
        guard limit > 0 else {
            ended = true
            return false
        }
        var rows = 0
        var progressed = false
        // builder.byteSize walks every column; an upper bound of the batch's size (record
        // bytes plus the most a row adds beyond its bytes) says when it is worth asking.
        var sizeBound = 0
        var nextSizeCheck = maxBatchBytes
        // Records gather in a block while the reader's buffer holds them, and are decoded and
        // appended a block at a time (`flush`), before anything that could move that buffer or
        // put a reject before them.
        var block = RecordBlock(capacity: decoder.capacity)
        batch: while rows < limit {
            guard let file = try currentFile() else {
                ended = true
                break
            }
            // One file at a time, so the loop below touches no reference counts per record.
            let reader = file.reader
            let fieldCount = file.fieldCount
            records: while rows &+ block.count < limit {
                // The reader splits the record straight into the block's next slot (a copy of 360
                // bytes per census record saved), and lets go of it once the record is dealt with.
                defer { reader.fields.reclaim() }
                let step: CSVRecordReader.Step
                if block.isEmpty {
                    step = try reader.advance()
                } else {
                    let next = block.nextRecordFields
                    reader.fields.lend(next.room, capacity: next.capacity)
                    guard let inPlace = try reader.advanceInPlace() else {
                        try flush(&block, file, rows: &rows, progressed: &progressed)
                        continue records
                    }
                    step = inPlace
                }
                switch step {
                case .record:
                    if reader.recordHasHighBytes && settings.encoding.readsAsUTF8,
                       let error = InvalidUTF8Error.check(reader.recordRaw, path: file.path, line: reader.recordLine) {
                        throw error
                    }
                    guard reader.fields.count == fieldCount else {
                        try flush(&block, file, rows: &rows, progressed: &progressed)
                        reject(file, "expected \(fieldCount) fields, got \(reader.fields.count)")
                        progressed = true
                        continue records
                    }
                    block.add(reader)
                    var full = block.isFull || reader.recordUsesScratch
                    var checkSize = false
                    if maxBatchBytes > 0 {
                        sizeBound &+= reader.recordRaw.count &+ rowOverhead
                        if sizeBound >= nextSizeCheck {
                            full = true
                            checkSize = true
                        }
                    }
                    if full { try flush(&block, file, rows: &rows, progressed: &progressed) }
                    if checkSize {
                        let size = builder.byteSize
                        if size >= maxBatchBytes { break batch }
                        nextSizeCheck = sizeBound + (maxBatchBytes - size)
                    }
                case .reject:
                    try flush(&block, file, rows: &rows, progressed: &progressed)
                    reject(file, reader.rejectReason)
                    progressed = true
                case .end:
                    try flush(&block, file, rows: &rows, progressed: &progressed)
                    if try closeCurrent() { progressed = true }
                    break records
                }
            }
            // The batch's rows are all read; some of the last block's may still be refused.
            try flush(&block, file, rows: &rows, progressed: &progressed)
        }
        if let current, try sync(current) { progressed = true }
        reportProgress()
        guard rows > 0 || progressed else { return false }
        produced += Int64(rows)
        do throws(ArrowError) {
            try builder.finish(into: out)
        } catch {
            throw PluginError(error, context: "finishing a batch of \(settings.path)")
        }
        return true
    }

    /// Decodes the block's records and appends those that load (with their positions, when
    /// asked) to the batch, adding them to `rows`; reports the others as rejects, in file order
    /// (setting `progressed`). Empties the block.
    private func flush(_ block: inout RecordBlock, _ file: OpenFile, rows: inout Int, progressed: inout Bool) throws(PluginError) {
        guard !block.isEmpty else { return }
        defer { block.removeAll() }
        decoder.decode(block, columnOf: file.columnOf)
        if decoder.refusedCount > 0 {
            for record in 0..<block.count {
                guard let reason = decoder.failure(of: record, in: block, columnOf: file.columnOf) else { continue }
                reject(file, line: block.lines[record], raw: block.raws[record], reason)
            }
        }
        do throws(ArrowError) {
            let appended = try decoder.append(block, to: builder)
            rows &+= appended
            if let positions {
                for row in 0..<appended {
                    let line = block.lines[decoder.record(ofAppended: row)]
                    try positions.append(Self.position(file, line: line), to: builder)
                }
            }
        } catch {
            throw PluginError(error, context: "\(file.path):\(block.lines[0])-\(block.lines[block.count - 1])")
        }
        if decoder.refusedCount > 0 { progressed = true }
    }

    /// Tells the host how many of the planned files' stored bytes the read has consumed.
    private func reportProgress() {
        let done: Int64
        if let current {
            let consumed = current.reader.file.storedBytesRead ?? (current.reader.consumedOffset - current.startOffset)
            done = progress.done(beforeFile: nextPlanned - 1, consumedInFile: consumed)
        } else {
            done = progress.done(beforeFile: nextPlanned, consumedInFile: 0)
        }
        host.reportProgress(done: done, total: progress.total)
    }

    /// Reports the reader's current record as a reject.
    private func reject(_ file: OpenFile, _ reason: String) {
        reject(file, line: file.reader.recordLine, raw: file.reader.recordRaw, reason)
    }

    private func reject(_ file: OpenFile, line: Int64, raw: UnsafeRawBufferPointer, _ reason: String) {
        host.reportReject(position: Self.position(file, line: line), raw: rawTranscoder?.utf8(raw) ?? raw, reason: reason)
    }

    /// Where a record starts, `path:line`: a reject's position and a row's `_etl_position`.
    private static func position(_ file: OpenFile, line: Int64) -> String {
        "\(file.path):\(line)"
    }

    // MARK: Files

    /// The file being read, opening the next planned one when needed; nil after the last.
    private func currentFile() throws(PluginError) -> OpenFile? {
        while current == nil {
            guard nextPlanned < plan.count else { return nil }
            let planned = plan[nextPlanned]
            nextPlanned += 1
            current = try open(planned)
        }
        return current
    }

    /// Opens a planned file at its start position (reading its header first when there is one);
    /// nil when it has nothing to read yet (a header line still being written), or when its
    /// path no longer leads to the file planned (rotated in between: the next read plans it
    /// again).
    private func open(_ planned: PlannedFile) throws(PluginError) -> OpenFile? {
        let reader: CSVRecordReader
        do {
            reader = try CSVRecordReader(path: planned.path, opener: opener, dialect: settings.dialect, maxLineBytes: settings.maxLineBytes, policy: policy)
        } catch {
            guard planned.identity != nil, opener.isGone(planned.path) else { throw error }
            host.debug("\(planned.path) was renamed or deleted after this read was planned (a rotation in between); the next read finds it where it went")
            return nil
        }
        if let identity = planned.identity, reader.identity != identity {
            host.debug("\(planned.path) was replaced after this read was planned (a rotation in between); the next read takes it up")
            return nil
        }
        var start = (offset: planned.offset, line: planned.line, continuing: planned.continuing)
        let adopted = try furthestHeldState(of: planned.after, in: reader)
        if let adopted, adopted.offset > start.offset {
            start = (adopted.offset, adopted.line, adopted.done)
        }
        let mapping: [Int]
        var header: [String]?
        if settings.header, start.offset > 0, !planned.isNew, let names = state.files[planned.path]?.header {
            // The header this file's state kept (a file known by its path): no read of line 1.
            header = names
            mapping = try layout.mapping(forHeader: names, of: planned.path)
            reader.reposition(offset: start.offset, line: start.line, continuing: start.continuing)
        } else if settings.header {
            guard let names = try StreamLayout.readHeader(reader, settings) else { return nil }
            header = names
            mapping = try layout.mapping(forHeader: names, of: planned.path)
            if start.offset > reader.consumedOffset {
                reader.reposition(offset: start.offset, line: start.line, continuing: start.continuing)
            }
        } else {
            mapping = Array(0..<layout.columns.count)
            if start.offset > 0 {
                reader.reposition(offset: start.offset, line: start.line, continuing: start.continuing)
            } else {
                try reader.skipByteOrderMark()
                _ = try reader.skipLines(settings.skipRows)
            }
        }
        let file = OpenFile(path: planned.path, reader: reader, mapping: mapping, header: header, startOffset: start.offset,
                            startDone: start.continuing)
        if !opener.isWholeFile(planned.path) {
            // A remote file's size, known now that its transfer started (the text a compressed file
            // decompresses to is not the size the read counts).
            progress.learn(fileIndex: nextPlanned - 1, size: reader.limit, start: planned.offset)
        }
        if planned.isNew || start.offset != planned.offset {
            // A new file enters the state as soon as it is opened (its header, if any, read);
            // a file that continues a copy read just before takes that copy's position now.
            _ = try sync(file, force: true)
        }
        return file
    }

    /// Records a compressed file read to its end: the state of its stored bytes, all of them,
    /// so the next read skips it until its bytes change. Until it ends, its state is left as
    /// it was: a read stopped in the middle takes the file again from its first line.
    private func syncWholeFile(_ file: OpenFile) throws(PluginError) {
        let raw = try ObservedFile(try opener.openRaw(file.path))
        var entry = CSVFileState(path: file.path)
        entry.offset = raw.size
        entry.line = file.reader.nextLine
        entry.size = raw.size
        entry.device = raw.status.device
        entry.inode = raw.status.inode
        entry.head = try raw.head(forOffset: raw.size)
        entry.fingerprint = try raw.source.fingerprint(before: raw.size)
        entry.etag = opener.objectVersion(file.path)?.etag
        entry.modified = opener.objectVersion(file.path)?.modified
        state.files[file.path] = entry
    }

    /// Of the states this read left for `paths` (copies of the same log, read just before),
    /// the one with the furthest offset whose bytes the reader's file holds.
    private func furthestHeldState(of paths: [String], in reader: CSVRecordReader) throws(PluginError) -> CSVFileState? {
        guard !paths.isEmpty else { return nil }
        let status = InputFile.Status(size: reader.limit, device: reader.identity.device, inode: reader.identity.inode, modified: 0)
        let file = ObservedFile(reader.file, status: status)
        var furthest: CSVFileState?
        for path in paths {
            guard let state = self.state.files[path], state.offset > (furthest?.offset ?? 0), try file.holds(state) else { continue }
            furthest = state
        }
        return furthest
    }

    /// Ends the current file; true when its position moved since the last sync.
    private func closeCurrent() throws(PluginError) -> Bool {
        guard let file = current else { return false }
        current = nil
        return try sync(file, ended: true)
    }

    /// Records the file's position in the state; true when it moved since the last sync (or
    /// when `force`d).
    private func sync(_ file: OpenFile, force: Bool = false, ended: Bool = false) throws(PluginError) -> Bool {
        let reader = file.reader
        let offset = reader.consumedOffset
        let done = reader.endedWithoutLineBreak
        guard force || ended || offset != file.syncedOffset || done != file.syncedDone else { return false }
        file.syncedOffset = offset
        file.syncedDone = done
        guard isIncremental else { return true }
        if opener.isWholeFile(file.path) {
            if ended { try syncWholeFile(file) }
            return true
        }
        var entry = state.files[file.path] ?? CSVFileState(path: file.path)
        entry.offset = offset
        entry.line = reader.nextLine
        entry.size = reader.limit
        entry.device = reader.identity.device
        entry.inode = reader.identity.inode
        if entry.head?.length != ContentHead.length(forOffset: offset) {
            entry.head = try reader.head()
        }
        entry.done = done
        entry.fingerprint = try reader.fingerprint()
        entry.header = file.keptHeader
        entry.etag = opener.objectVersion(file.path)?.etag
        entry.modified = opener.objectVersion(file.path)?.modified
        state.files[file.path] = entry
        return true
    }
}
