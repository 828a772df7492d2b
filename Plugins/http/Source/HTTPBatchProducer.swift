import CETLPlugin
import ETLArrow
import ETLPluginKit

/// Yields a stream's records as Arrow batches made of whole pages: a batch takes pages while
/// they fit in `batch_size` (a page larger than that is split over several batches). The
/// checkpoint after a batch covers only pages emitted completely, so resuming from it never
/// skips a record of a half-emitted page.
final class HTTPBatchProducer: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let fetcher: any PageStream
    private let converter: RecordConverter
    private let incremental: IncrementalSettings?
    private let host: PluginHost
    private let batchSize: Int
    private let maxRecords: Int64
    private let recordsPath: JSONPathExpression
    private var current: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?, next: Int)?
    private var lookahead: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)?
    private var emitted: Int64 = 0
    private var finished = false
    /// The watermark of every page emitted completely (never below the read's start state).
    private(set) var committedCursor: CursorValue?

    init(schema: ArrowSchemaDescription, fetcher: any PageStream, columns: [ColumnSpec], incremental: IncrementalSettings?,
         startCursor: CursorValue?, host: PluginHost, batchSize: Int, maxRecords: Int64, recordsPath: JSONPathExpression) {
        self.schema = schema
        self.fetcher = fetcher
        self.converter = RecordConverter(columns: columns)
        self.incremental = incremental
        self.committedCursor = startCursor
        self.host = host
        self.batchSize = max(1, batchSize)
        self.maxRecords = maxRecords
        self.recordsPath = recordsPath
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !finished else { return false }
        if host.isCancelled { throw ArrowError(producerStatus: ETL_CANCELLED, "the http source stopped because the host asked to cancel the run") }
        let builder = RecordBatchBuilder(schema: schema, capacity: batchSize)
        var rows = 0
        do {
            while rows < batchSize, maxRecords == 0 || emitted < maxRecords {
                if current == nil {
                    guard let page = try takePage() else { break }
                    // Only whole pages join a batch that already has rows.
                    if rows > 0, page.rows.count > batchSize - rows {
                        lookahead = page
                        break
                    }
                    current = (page.page, page.rows, page.cursor, 0)
                }
                guard var page = current else { break }
                var take = min(batchSize - rows, page.rows.count - page.next)
                if maxRecords > 0 { take = min(take, Int(maxRecords - emitted)) }
                try page.rows.append(rows: page.next..<page.next + take, to: builder)
                page.next += take
                rows += take
                emitted += Int64(take)
                if page.next == page.rows.count {
                    if let cursor = page.cursor, committedCursor.map({ cursor > $0 }) ?? true { committedCursor = cursor }
                    current = nil
                } else {
                    current = page
                }
            }
        } catch let error as PluginError {
            throw ArrowError(producerStatus: error.status, error.message)
        } catch let error as ArrowError {
            throw error
        } catch {
            throw ArrowError(.producerFailed, "\(error)")
        }
        if rows == 0 {
            finished = true
            return false
        }
        try builder.finish(into: out)
        return true
    }

    /// The next page with its rows converted (rejects reported) and its highest cursor value.
    private func takePage() throws(PluginError) -> (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)? {
        if let page = lookahead {
            lookahead = nil
            return page
        }
        while let page = try fetcher.next() {
            var converted: (rows: ConvertedRows, cursor: CursorValue?)
            if let scanned = page.scanned, let fast = fastRows(scanned) {
                converted = fast
            } else if page.scanned != nil, PageDecoding.current == .scanOnly {
                throw PageDecoding.scanGaveUp(page.source, "a value of its records")
            } else {
                converted = treeRows(page, records: try page.treeRecords(at: recordsPath))
            }
            if converted.rows.isEmpty {
                // A page of only rejected records still moves the watermark once it is passed.
                if let maxCursor = converted.cursor, committedCursor.map({ maxCursor > $0 }) ?? true, current == nil { committedCursor = maxCursor }
                continue
            }
            return (page, converted.rows, converted.cursor)
        }
        return nil
    }

    /// Converts each record's tree, reporting the records that cannot load.
    private func treeRows(_ page: FetchedPage, records: [JSONValue]) -> (rows: ConvertedRows, cursor: CursorValue?) {
        var rows = ConvertedRows(width: converter.columns.count, capacity: records.count)
        var maxCursor: CursorValue?
        for (index, record) in records.enumerated() {
            if let incremental, let value = incremental.cursorPath.evaluate(record), value != .null {
                guard let cursor = CursorValue(value, format: incremental.cursorFormat) else {
                    reject(record, page: page, index: index, reason: "cursor \(incremental.cursorPath): \(value.serialized()) is not an ISO 8601 timestamp or an epoch number")
                    continue
                }
                if maxCursor.map({ cursor > $0 }) ?? true { maxCursor = cursor }
            }
            if let problem = rows.append(record, using: converter) {
                reject(record, page: page, index: index, reason: problem.reason)
            }
        }
        return (rows, maxCursor)
    }

    /// Converts a scanned page's captured values; nil at the first value that would reject its
    /// record, so the tree path converts that page and reports exactly as it always has. The
    /// cursor is the record plan's slot after the columns (see `HTTPSource`).
    private func fastRows(_ page: ScannedPage) -> (rows: ConvertedRows, cursor: CursorValue?)? {
        let columns = converter.columns
        let count = page.recordCount
        let stride = page.recordSlots * 2
        return page.bytes.withUnsafeBytes { bytes -> (rows: ConvertedRows, cursor: CursorValue?)? in
            var rows = ConvertedRows(width: columns.count, capacity: count, body: page.bytes)
            var maxCursor: CursorValue?
            for record in 0..<count {
                let base = record * stride
                if let incremental {
                    let start = page.recordCaptures[base + 2 * columns.count]
                    if start >= 0 {
                        guard let value = ScannedPage.value(bytes, from: start, to: page.recordCaptures[base + 2 * columns.count + 1]) else { return nil }
                        if value != .null {
                            guard let cursor = CursorValue(value, format: incremental.cursorFormat) else { return nil }
                            if maxCursor.map({ cursor > $0 }) ?? true { maxCursor = cursor }
                        }
                    }
                }
                for (index, column) in columns.enumerated() {
                    let start = page.recordCaptures[base + 2 * index]
                    if start < 0 {
                        rows.append(cell: .null)
                        continue
                    }
                    let end = page.recordCaptures[base + 2 * index + 1]
                    if let cell = ScannedCellConversion.cell(bytes, from: start, to: end, type: column.type, format: column.timeFormat) {
                        rows.append(cell: cell)
                        continue
                    }
                    guard let value = ScannedPage.value(bytes, from: start, to: end),
                          let cell = RecordConverter.convert(value, to: column.type, format: column.timeFormat) else { return nil }
                    rows.append(cell: cell)
                }
                rows.closeRow()
            }
            return (rows, maxCursor)
        }
    }

    private func reject(_ record: JSONValue, page: FetchedPage, index: Int, reason: String) {
        host.reportReject(position: "\(page.source) record \(index)", raw: record.serialized(), reason: reason)
    }
}
