import CETLPlugin
import ETLArrow
import ETLPluginKit

/// Yields a stream's records as Arrow batches made of whole pages: a batch takes pages while
/// they fit in `batch_size` (a page larger than that is split over several batches). Pages come
/// from a `PagePrefetcher`, so the next one is fetched while this one is converted.
///
/// The checkpoint after a batch (`watermark`) never lets a resumed read skip a record: a
/// sorted stream's covers only pages emitted completely, an unsorted stream's stays at the
/// read's start until the batch that ends the read. To know that a batch ends the read, an
/// unsorted incremental batch that ends exactly at a page boundary looks at the next page
/// (converting it) before it is returned.
final class HTTPBatchProducer: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let pages: PagePrefetcher
    private let converter: RecordConverter
    private let incremental: IncrementalSettings?
    private let host: PluginHost
    private let batchSize: Int
    private let maxRecords: Int64
    private let recordsPath: JSONPathExpression
    private let allowShortRead: Bool
    /// The `_etl_position` column when the read asked for positions: each row's
    /// `<page URL> record <index>`, as a reject of that record would name it.
    private let positions: SourcePositionColumn?
    private var current: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?, next: Int)?
    private var lookahead: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)?
    private var emitted: Int64 = 0
    /// Records on the pages taken so far (rejected ones included) and the API's last announced
    /// total (`total_path`): the read's progress, reported after each batch.
    private var recordsTaken: Int64 = 0
    private var announcedTotal: Int64?
    private var finished = false
    /// A failure met while rows were already in the batch: the batch goes out first, so the
    /// rows read before the failure are committed, and the next call reports it.
    private var deferredFailure: PluginError?
    /// Where a read resumed from the checkpoint after the last batch may start.
    private(set) var watermark: ReadWatermark

    init(schema: ArrowSchemaDescription, pages: PagePrefetcher, columns: [ColumnSpec], incremental: IncrementalSettings?,
         startCursor: CursorValue?, host: PluginHost, batchSize: Int, maxRecords: Int64, recordsPath: JSONPathExpression,
         allowShortRead: Bool, positions: SourcePositionColumn? = nil) {
        self.schema = positions?.schema ?? schema
        self.positions = positions
        self.pages = pages
        self.converter = RecordConverter(columns: columns)
        self.incremental = incremental
        self.watermark = ReadWatermark(start: startCursor, sorted: incremental?.sortedByCursor ?? false)
        self.host = host
        self.batchSize = max(1, batchSize)
        self.maxRecords = maxRecords
        self.recordsPath = recordsPath
        self.allowShortRead = allowShortRead
    }

    deinit {
        pages.stop()
    }

    /// Stops fetching pages ahead and waits until the fetch thread let go of the instance's
    /// HTTP client, so the instance may use it again.
    func stopFetching() {
        pages.stop()
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !finished else { return false }
        if let failure = deferredFailure {
            finished = true
            throw ArrowError(producerStatus: failure.status, failure.message)
        }
        if host.isCancelled { throw ArrowError(producerStatus: ETL_CANCELLED, "the http source stopped because the host asked to cancel the run") }
        let builder = RecordBatchBuilder(schema: schema, capacity: batchSize)
        var rows = 0
        do {
            while rows < batchSize, maxRecords == 0 || emitted < maxRecords {
                if current == nil {
                    guard let page = try takePage(holdingFailureFor: rows) else {
                        if deferredFailure == nil { try endOfRead(holdingFailureFor: rows) }
                        break
                    }
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
                if let positions {
                    for row in page.next..<page.next + take {
                        try positions.append(Self.position(page.page, record: page.rows.recordIndex(ofRow: row)), to: builder)
                    }
                }
                page.next += take
                rows += take
                emitted += Int64(take)
                if page.next == page.rows.count {
                    watermark.pageEmitted(highest: page.cursor)
                    current = nil
                } else {
                    current = page
                }
            }
            // A full batch of an unsorted incremental read that ends at a page boundary: the next
            // page tells whether it completes the read (and so carries the new watermark). Other
            // reads do not wait for that page: their checkpoint does not depend on it.
            if incremental != nil, !watermark.sorted,
               rows > 0, current == nil, lookahead == nil, deferredFailure == nil, !watermark.complete,
               maxRecords == 0 || emitted < maxRecords {
                if let page = try takePage(holdingFailureFor: rows) {
                    lookahead = page
                } else if deferredFailure == nil {
                    try endOfRead(holdingFailureFor: rows)
                }
            }
        } catch let error as PluginError {
            throw ArrowError(producerStatus: error.status, error.message)
        } catch let error as ArrowError {
            throw error
        } catch {
            throw ArrowError(.producerFailed, "\(error)")
        }
        // Without a total nothing is reported: records alone are what the host counts anyway.
        if let announcedTotal { host.reportProgress(done: recordsTaken, total: announcedTotal) }
        if rows == 0 {
            finished = true
            return false
        }
        try builder.finish(into: out)
        return true
    }

    /// After the last page: the watermark may move to the end, unless the read fell short of
    /// the API's total (an error, or a warning under `allow_short_read`).
    private func endOfRead(holdingFailureFor rows: Int) throws(PluginError) {
        if let short = pages.shortRead {
            guard allowShortRead else {
                // The rows already in the batch still go out; the watermark stays.
                guard rows == 0 else {
                    deferredFailure = .badData(short.message)
                    return
                }
                throw .badData(short.message)
            }
            host.warning(short.message)
        }
        watermark.readComplete()
    }

    /// `takePage`, except that with `rows` already in the batch a failure is held for the next
    /// call (returning nil now) so those rows still go out.
    private func takePage(holdingFailureFor rows: Int) throws(PluginError) -> (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)? {
        do {
            return try takePage()
        } catch {
            guard rows > 0, error.code != .cancelled else { throw error }
            deferredFailure = error
            return nil
        }
    }

    /// The next page with its rows converted (rejects reported) and its highest cursor value.
    private func takePage() throws(PluginError) -> (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)? {
        if let page = lookahead {
            lookahead = nil
            return page
        }
        while let page = try pages.next() {
            recordsTaken += Int64(page.recordCount)
            if let total = page.announcedTotal { announcedTotal = total }
            var converted: (rows: ConvertedRows, cursor: CursorValue?, order: CursorOrder)
            if let scanned = page.scanned, let fast = fastRows(scanned) {
                converted = fast
            } else if page.scanned != nil, PageDecoding.current == .scanOnly {
                throw PageDecoding.scanGaveUp(page.source, "a value of its records")
            } else {
                converted = treeRows(page, records: try page.treeRecords(at: recordsPath))
            }
            if let descent = converted.order.descent { throw descent.error(page: page.source) }
            watermark.highestSeen = converted.order.highest
            if converted.rows.isEmpty {
                // A page of only rejected records still moves the watermark once it is passed.
                if current == nil { watermark.pageEmitted(highest: converted.cursor) }
                continue
            }
            return (page, converted.rows, converted.cursor)
        }
        return nil
    }

    /// The order check of this read so far, for one page's records to continue.
    private var order: CursorOrder {
        CursorOrder(highest: watermark.highestSeen, checked: watermark.sorted)
    }

    /// Converts each record's tree, reporting the records that cannot load.
    private func treeRows(_ page: FetchedPage, records: [JSONValue]) -> (rows: ConvertedRows, cursor: CursorValue?, order: CursorOrder) {
        var rows = ConvertedRows(width: converter.columns.count, capacity: records.count)
        var maxCursor: CursorValue?
        var order = self.order
        for (index, record) in records.enumerated() {
            if let incremental, let value = incremental.cursorPath.evaluate(record), value != .null {
                guard let cursor = CursorValue(value, format: incremental.cursorFormat) else {
                    reject(record, page: page, index: index, reason: "cursor \(incremental.cursorPath): \(value.serialized()) is not an ISO 8601 timestamp or an epoch number")
                    continue
                }
                if maxCursor.map({ cursor > $0 }) ?? true { maxCursor = cursor }
                order.note(cursor, record: index)
                if order.descent != nil { return (rows, maxCursor, order) }
            }
            if let problem = rows.append(record, index: index, using: converter) {
                reject(record, page: page, index: index, reason: problem.reason)
            }
        }
        return (rows, maxCursor, order)
    }

    /// Converts a scanned page's captured values; nil at the first value that would reject its
    /// record, so the tree path converts that page and reports exactly as it always has. The
    /// cursor is the record plan's slot after the columns (see `HTTPSource`).
    private func fastRows(_ page: ScannedPage) -> (rows: ConvertedRows, cursor: CursorValue?, order: CursorOrder)? {
        let columns = converter.columns
        let count = page.recordCount
        let stride = page.recordSlots * 2
        var order = self.order
        return page.bytes.withUnsafeBytes { bytes -> (rows: ConvertedRows, cursor: CursorValue?, order: CursorOrder)? in
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
                            order.note(cursor, record: record)
                            if order.descent != nil { return (rows, maxCursor, order) }
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
            return (rows, maxCursor, order)
        }
    }

    private func reject(_ record: JSONValue, page: FetchedPage, index: Int, reason: String) {
        host.reportReject(position: Self.position(page, record: index), raw: record.serialized(), reason: reason)
    }

    /// A record's place, `<page URL> record <index>` (0-based among the page's records): a
    /// reject's position and a row's `_etl_position`.
    private static func position(_ page: FetchedPage, record index: Int) -> String {
        "\(page.source) record \(index)"
    }
}
