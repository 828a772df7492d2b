import CETLPlugin
import ETLArrow
import ETLParquetFormat
import ETLPluginKit

/// Hands out the planned files' rows as Arrow batches, one row group decoded at a time (only
/// the stream's columns), so memory stays at one row group's columns plus one batch.
///
/// A cursor read filters rows whose cursor is not after the watermark, and skips whole row
/// groups whose statistics say their largest cursor is not after it. Before returning a batch
/// the producer moves past every row it will not hand out, so the state after the batch is
/// exact: its position is the next row to load, and at the end it is the final state.
final class ParquetBatchProducer: ArrowBatchProducer {
    /// A cursor read's column and watermark.
    struct CursorFilter {
        let field: Int
        let type: ArrowColumnType
        /// Rows must be after this (nil: every non-null cursor loads).
        let since: ParquetComparable?
        /// The largest cursor an interrupted read (being resumed) had loaded before.
        let loadedBefore: ParquetComparable?
        let fieldName: String
    }

    let schema: ArrowSchemaDescription
    /// The `_etl_position` column when the read asked for positions: `<path>: row <n>`, the
    /// row's 1-based number in its file.
    private let positions: SourcePositionColumn?
    private let settings: ParquetSourceSettings
    private let layout: ParquetStreamLayout
    private let plan: [ParquetPlannedFile]
    private let request: ReadRequest
    private let host: PluginHost
    private let inputs: ParquetInputs
    private let cursor: CursorFilter?
    /// True for incremental reads (the state is kept).
    let isIncremental: Bool

    private var fileIndex = 0
    private var reader: ParquetFileReader?
    private var fields: [ParquetOutputField] = []
    private var rowGroupIndex = 0
    private var group: DecodedRowGroup?
    /// Rows of the current file handed out or passed over.
    private var rowsPassed: Int64 = 0
    /// Leading rows of the current file to pass over (an interrupted read's).
    private var pendingSkip: Int64 = 0
    private var produced: Int64 = 0
    private var maxSeen: ParquetComparable?
    private var nullCursorRows = 0
    private var skippedRowGroups = 0
    private var finished = false

    /// The builder of the previous batch, reused: `finish` hands its buffers over and starts
    /// empty ones, so a builder per batch would allocate (and free) every batch's buffers twice.
    private var reusableBuilder: RecordBatchBuilder?

    /// The state matching the rows handed out so far.
    private(set) var state: ParquetResumeState

    init(settings: ParquetSourceSettings, layout: ParquetStreamLayout, plan: [ParquetPlannedFile], state: ParquetResumeState,
         cursor: CursorFilter?, incremental: Bool, request: ReadRequest, positions: SourcePositionColumn?, inputs: ParquetInputs, host: PluginHost) {
        self.settings = settings
        self.inputs = inputs
        self.layout = layout
        self.positions = positions
        self.schema = positions?.schema ?? layout.schema
        self.plan = plan
        self.state = state
        self.cursor = cursor
        self.isIncremental = incremental
        self.request = request
        self.host = host
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !host.isCancelled else { throw ArrowError(producerStatus: ETL_CANCELLED, "the read of \(settings.path) was cancelled") }
        let batchSize = Int(request.batchSize)
        // Taken back (below) only by a batch that ends cleanly, so a failed batch's rows never leak into the next.
        // No capacity hint: the builder would reserve 16 bytes of text per row and round up to a
        // power of two, and up to three batches are alive at once (built, read ahead, written),
        // so census-like short text held 5 MiB more (bench/README.md); growing by doubling
        // measured no slower.
        let builder = reusableBuilder ?? RecordBatchBuilder(schema: schema, capacity: 0)
        reusableBuilder = nil
        do throws(PluginError) {
            while builder.rowCount < batchSize,
                  request.maxBatchBytes == 0 || builder.byteSize < request.maxBatchBytes,
                  request.maxRecords == 0 || produced < request.maxRecords,
                  let group = try nextLoadableRow() {
                // Unfiltered reads append runs of rows column by column; cursor reads decide
                // row by row. With a byte bound, runs are short so the batch stops near it.
                var rows = 1
                if cursor == nil {
                    rows = min(batchSize - builder.rowCount, group.remainingRows)
                    if request.maxRecords > 0 { rows = min(rows, Int(request.maxRecords - produced)) }
                    if request.maxBatchBytes > 0 { rows = min(rows, 1024) }
                }
                do throws(ParquetReadError) {
                    if rows == 1 { try group.appendRow(to: builder) } else { try group.appendRows(rows, to: builder) }
                } catch {
                    throw PluginError(error)
                }
                if let positions {
                    let path = plan[fileIndex].path
                    for row in 0..<Int64(rows) {
                        do throws(ArrowError) { try positions.append("\(path): row \(rowsPassed + row + 1)", to: builder) } catch {
                            throw PluginError(error, context: path)
                        }
                    }
                }
                rowsPassed += Int64(rows)
                produced += Int64(rows)
            }
            // Settle on the next row to load (or the end) so the state below is exact.
            if request.maxRecords == 0 || produced < request.maxRecords { _ = try nextLoadableRow() }
        } catch {
            // A cancel that interrupted an object-store transfer reaches here as the format
            // reader's I/O error (its error type has no cancelled kind): report it as a cancel.
            throw ArrowError(producerStatus: host.isCancelled ? ETL_CANCELLED : error.status, error.message)
        }
        updateState()
        reportProgress()
        guard builder.rowCount > 0 else {
            logSummary()
            return false
        }
        try builder.finish(into: out)
        reusableBuilder = builder
        return true
    }

    /// The row group whose next row is to be loaded, passing over rows and row groups the
    /// cursor filters out; nil at the end of the plan.
    private func nextLoadableRow() throws(PluginError) -> DecodedRowGroup? {
        while let group = try nextRow() {
            guard let cursor else { return group }
            let peeked: ParquetComparable?
            do throws(ParquetReadError) { peeked = try group.peekComparable(field: cursor.field) } catch { throw PluginError(error) }
            guard let value = peeked else {
                nullCursorRows += 1
                try pass(group)
                continue
            }
            if let since = cursor.since, let order = value.compare(since), order <= 0 {
                try pass(group)
                continue
            }
            if maxSeen.flatMap({ value.compare($0) }).map({ $0 > 0 }) ?? true { maxSeen = value }
            return group
        }
        return nil
    }

    private func pass(_ group: DecodedRowGroup) throws(PluginError) {
        do throws(ParquetReadError) { try group.skip(1) } catch { throw PluginError(error) }
        rowsPassed += 1
    }

    /// The row group holding the next row of the plan, opening files and decoding row groups as
    /// needed; nil at the end.
    private func nextRow() throws(PluginError) -> DecodedRowGroup? {
        while true {
            if let group, group.remainingRows > 0 { return group }
            group = nil
            if reader == nil {
                guard fileIndex < plan.count else {
                    finished = true
                    return nil
                }
                let file = plan[fileIndex]
                let opened = try inputs.open(file.path)
                fields = try layout.fields(of: opened, settings: settings)
                reader = opened
                rowGroupIndex = 0
                rowsPassed = 0
                pendingSkip = file.skipRows
                host.debug("reading \(file.path): \(opened.rowGroupCount) row group(s), \(opened.metadata.numRows) row(s)\(file.skipRows > 0 ? ", resuming after row \(file.skipRows)" : "")")
            }
            guard let reader else { continue }
            guard rowGroupIndex < reader.rowGroupCount else {
                finishFile()
                continue
            }
            let index = rowGroupIndex
            let rows = Int64(reader.rowCount(ofRowGroup: index))
            if pendingSkip >= rows {
                pendingSkip -= rows
                rowsPassed += rows
                rowGroupIndex += 1
                continue
            }
            if let cursor, let since = cursor.since, pendingSkip == 0,
               let bounds = reader.statistics(of: fields[cursor.field], rowGroup: index),
               let order = bounds.max.compare(since), order <= 0 {
                rowsPassed += rows
                rowGroupIndex += 1
                skippedRowGroups += 1
                continue
            }
            let decoded: DecodedRowGroup
            do throws(ParquetReadError) {
                decoded = try reader.readRowGroup(index, fields: fields)
                if pendingSkip > 0 { try decoded.skip(Int(pendingSkip)) }
            } catch {
                throw PluginError(error)
            }
            rowsPassed += pendingSkip
            pendingSkip = 0
            rowGroupIndex += 1
            group = decoded
        }
    }

    /// Tells the host how far the read is, in bytes of the planned files: a file read to its end
    /// counts whole, the one being read the share of its size that its rows passed are of the rows
    /// its footer counts. Rows rather than bytes fetched within a file, as decoding is the work
    /// and a file's pages are fetched well before they are decoded; file sizes rather than row
    /// counts across files, as only the open file's footer has been read.
    private func reportProgress() {
        let total = plan.reduce(Int64(0)) { $0 + $1.status.size }
        var done = plan.prefix(fileIndex).reduce(Int64(0)) { $0 + $1.status.size }
        if fileIndex < plan.count, let reader, reader.metadata.numRows > 0 {
            let share = min(1, Double(rowsPassed) / Double(reader.metadata.numRows))
            done += Int64(Double(plan[fileIndex].status.size) * share)
        }
        host.reportProgress(done: done, total: total)
    }

    private func finishFile() {
        if cursor == nil, isIncremental {
            let file = plan[fileIndex]
            state.files.append(.init(path: file.path, status: file.status))
        }
        reader = nil
        fields = []
        fileIndex += 1
    }

    private func updateState() {
        guard isIncremental else { return }
        if let cursor {
            var watermark = cursor.since
            for candidate in [cursor.loadedBefore, maxSeen].compactMap({ $0 })
            where watermark.flatMap({ candidate.compare($0) }).map({ $0 > 0 }) ?? true {
                watermark = candidate
            }
            state.cursor = watermark.map { ParquetCursorValue.json($0, type: cursor.type) } ?? .null
            if finished {
                state.run = nil
            } else if fileIndex < plan.count {
                let since = cursor.since.map { ParquetCursorValue.json($0, type: cursor.type) } ?? .null
                state.run = .init(since: since, path: plan[fileIndex].path, rows: reader == nil ? 0 : rowsPassed)
            }
        } else if reader != nil, fileIndex < plan.count {
            let file = plan[fileIndex]
            state.current = .init(path: file.path, status: file.status)
            state.currentRows = rowsPassed
        } else {
            state.current = nil
            state.currentRows = 0
        }
    }

    private var summaryLogged = false

    private func logSummary() {
        guard !summaryLogged else { return }
        summaryLogged = true
        if let cursor {
            if nullCursorRows > 0 {
                host.warning("\(nullCursorRows) row(s) of \(settings.path) have a null \(cursor.fieldName) and were not loaded: an incremental read by cursor loads only rows with a cursor")
            }
            if skippedRowGroups > 0 { host.debug("\(skippedRowGroups) row group(s) skipped: their statistics put every \(cursor.fieldName) at or before the watermark") }
        }
    }
}
