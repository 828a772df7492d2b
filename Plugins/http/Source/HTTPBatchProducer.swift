import CETLPlugin
import ETLArrow
import ETLPluginKit

/// Yields a stream's records as Arrow batches made of whole pages: a batch takes pages while
/// they fit in `batch_size` (a page larger than that is split over several batches). The
/// checkpoint after a batch covers only pages emitted completely, so resuming from it never
/// skips a record of a half-emitted page.
final class HTTPBatchProducer: ArrowBatchProducer {
    let schema: ArrowSchemaDescription
    private let fetcher: PageFetcher
    private let converter: RecordConverter
    private let incremental: IncrementalSettings?
    private let host: PluginHost
    private let batchSize: Int
    private let maxRecords: Int64
    private var current: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?, next: Int)?
    private var lookahead: (page: FetchedPage, rows: ConvertedRows, cursor: CursorValue?)?
    private var emitted: Int64 = 0
    private var finished = false
    /// The watermark of every page emitted completely (never below the read's start state).
    private(set) var committedCursor: CursorValue?

    init(schema: ArrowSchemaDescription, fetcher: PageFetcher, columns: [ColumnSpec], incremental: IncrementalSettings?,
         startCursor: CursorValue?, host: PluginHost, batchSize: Int, maxRecords: Int64) {
        self.schema = schema
        self.fetcher = fetcher
        self.converter = RecordConverter(columns: columns)
        self.incremental = incremental
        self.committedCursor = startCursor
        self.host = host
        self.batchSize = max(1, batchSize)
        self.maxRecords = maxRecords
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard !finished else { return false }
        if host.isCancelled { throw ArrowError(.producerFailed, "the http source stopped because the host asked to cancel the run") }
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
                for row in page.next..<page.next + take {
                    try converter.append(page.rows.row(row), to: builder)
                }
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
            throw ArrowError(.producerFailed, error.message)
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
            var rows = ConvertedRows(width: converter.columns.count, capacity: page.records.count)
            var maxCursor: CursorValue?
            for (index, record) in page.records.enumerated() {
                if let incremental, let value = incremental.cursorPath.evaluate(record), value != .null {
                    guard let cursor = CursorValue(value, format: incremental.format) else {
                        reject(record, page: page, index: index, reason: "cursor \(incremental.cursorPath): \(value.serialized()) is not an ISO 8601 timestamp or an epoch number")
                        continue
                    }
                    if maxCursor.map({ cursor > $0 }) ?? true { maxCursor = cursor }
                }
                if let problem = rows.append(record, using: converter) {
                    reject(record, page: page, index: index, reason: problem.reason)
                }
            }
            if rows.isEmpty {
                // A page of only rejected records still moves the watermark once it is passed.
                if let maxCursor, committedCursor.map({ maxCursor > $0 }) ?? true, current == nil { committedCursor = maxCursor }
                continue
            }
            return (page, rows, maxCursor)
        }
        return nil
    }

    private func reject(_ record: JSONValue, page: FetchedPage, index: Int, reason: String) {
        host.reportReject(position: "\(page.source) record \(index)", raw: record.serialized(), reason: reason)
    }
}
