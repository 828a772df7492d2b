import ETLPluginKit

/// Walks a stream's pages in order, whatever the pagination style, and refuses to loop: a
/// cursor or next link seen before, or a page with the same records as an earlier one, stops
/// the read with an error, as does going past `max_pages`.
///
/// With page-number pagination, a `total_path` and `max_concurrency` > 1, the pages after the
/// first are fetched `max_concurrency` at a time over libcurl's multi interface and handed
/// out in page order.
final class PageFetcher {
    private let stream: StreamSettings
    private let builder: RequestBuilder
    private let client: HTTPClient
    private let concurrency: Int
    private var pending: HTTPRequest?
    private var queue: [FetchedPage] = []
    private var concurrentRemaining: [HTTPRequest] = []
    private var pagesRead: Int64 = 0
    private var seenCursors: Set<String> = []
    private var seenLinks: Set<String> = []
    private var seenPages: Set<Int> = []
    /// Records on the pages handed out so far (rejected ones included), for the short-read check.
    private var recordsRead: Int64 = 0
    // Page-number and offset state.
    private var nextPage: Int64 = 0
    private var nextOffset: Int64 = 0
    private var lastPage: Int64?
    /// How pages are scanned from their bytes (nil: every page is parsed into a tree), with the
    /// page-plan slots of `total_path` and `cursor_path`.
    private var plans: (page: ScanPlan, record: ScanPlan, total: Int?, cursor: Int?)?

    /// A fetcher whose first request is ready.
    ///
    /// With `recordPaths`, pages are scanned from their bytes for exactly those paths of each
    /// record (`ScannedPage`), and parsed into trees only when the scan gives up.
    init(stream: StreamSettings, builder: RequestBuilder, client: HTTPClient, concurrency: Int,
         recordPaths: [JSONPathExpression]? = nil) throws(PluginError) {
        self.stream = stream
        self.builder = builder
        self.client = client
        self.concurrency = concurrency
        if let recordPaths {
            var bodyPaths: [JSONPathExpression] = []
            var total: Int?
            var cursor: Int?
            switch stream.pagination {
            case .pageNumber(_, _, _, _, let totalPath?), .offset(_, _, _, let totalPath?):
                total = bodyPaths.count
                bodyPaths.append(totalPath)
            case .cursor(_, let cursorPath, _, _):
                cursor = bodyPaths.count
                bodyPaths.append(cursorPath)
            default:
                break
            }
            if let page = ScanPlan(records: stream.recordsPath, paths: bodyPaths), let record = ScanPlan(paths: recordPaths) {
                plans = (page, record, total, cursor)
            }
        }
        switch stream.pagination {
        case .pageNumber(let pageParam, let sizeParam, let size, let start, _):
            nextPage = start
            pending = try builder.request(paging: pageParams(pageParam, sizeParam, size, start))
        case .offset(let offsetParam, let limitParam, let limit, _):
            pending = try builder.request(paging: [(offsetParam, .number(JSONNumber(0))), (limitParam, .number(JSONNumber(limit)))])
        case .cursor(_, _, let limitParam, let limit):
            var paging: [(name: String, value: JSONValue)] = []
            if let limitParam, let limit { paging.append((limitParam, .number(JSONNumber(limit)))) }
            pending = try builder.request(paging: paging)
        case .linkHeader, .none:
            pending = try builder.request(paging: [])
        }
    }

    /// The next page, or nil after the last one.
    func next() throws(PluginError) -> FetchedPage? {
        guard var page = try fetchNext() else { return nil }
        recordsRead += Int64(page.recordCount)
        page.announcedTotal = lastPage
        return page
    }

    /// After the last page: how far the read fell short of the API's total, nil when it did not
    /// (or no total was announced).
    func shortRead() -> ShortRead? {
        guard let total = lastPage else { return nil }
        if case .pageNumber(_, _, let size, let start, _) = stream.pagination {
            return ShortRead.pageNumber(stream: stream.name, read: recordsRead, total: total, startPage: start, pageSize: size)
        }
        return recordsRead < total ? ShortRead(stream: stream.name, read: recordsRead, total: total) : nil
    }

    private func fetchNext() throws(PluginError) -> FetchedPage? {
        if queue.isEmpty, !concurrentRemaining.isEmpty { try fetchWindow() }
        if !queue.isEmpty { return queue.removeFirst() }
        guard let request = pending else { return nil }
        pending = nil
        try countPage(request)
        let response = try client.send(request)
        let page = try read(response, request: request)
        try planNext(after: response, page: page, request: request)
        return page
    }

    private func read(_ response: HTTPResponse, request: HTTPRequest) throws(PluginError) -> FetchedPage {
        try ResponseCheck.requireSuccess(response, request: request, client: client)
        let source = client.display(request)
        if let plans {
            if let scanned = PageScanner.scan(response.body, page: plans.page, record: plans.record),
               let page = try scannedPage(scanned, source: source, plans: plans) {
                return page
            }
            if PageDecoding.current == .scanOnly { throw PageDecoding.scanGaveUp(source, "the page") }
        }
        let json = try PageBody.json(response.body, source: source)
        let records: [JSONValue]
        // A records_path with a wildcard or filter selects the records themselves.
        let selected = stream.recordsPath.isDefinite ? stream.recordsPath.evaluate(json) : .array(stream.recordsPath.matches(json))
        switch selected {
        case .array(let items)?: records = items
        case .null?: records = []
        case let other?:
            throw .badData("\(source) returned \(other.kindDescription) at records_path \(stream.recordsPath), not an array of records; check the stream's records_path")
        case nil:
            throw .badData("\(source) returned no \(stream.recordsPath) (records_path); check the stream's records_path against the response")
        }
        if let first = records.first, let last = records.last { try noteRecords(count: records.count, first: first, last: last, source: source) }
        if let lastJSON = lastTotalJSON(json) { lastPage = lastJSON }
        var nextCursor: JSONValue?
        if case .cursor(_, let cursorPath, _, _) = stream.pagination { nextCursor = cursorPath.evaluate(json) }
        return FetchedPage(source: source, records: records, scanned: nil, nextCursor: nextCursor)
    }

    /// A scanned page, or nil when its first or last record cannot be read without the tree.
    private func scannedPage(_ scanned: ScannedPage, source: String,
                             plans: (page: ScanPlan, record: ScanPlan, total: Int?, cursor: Int?)) throws(PluginError) -> FetchedPage? {
        let count = scanned.recordCount
        var nextCursor: JSONValue?
        if let slot = plans.cursor, scanned.bodyCaptured(slot: slot) {
            guard let value = scanned.bodyValue(slot: slot) else { return nil }
            nextCursor = value
        }
        // Everything the tree path might still be needed for is read before the page counts as seen.
        if count > 0 {
            guard let first = scanned.record(0), let last = scanned.record(count - 1) else { return nil }
            try noteRecords(count: count, first: first, last: last, source: source)
        }
        if let slot = plans.total, let total = scanned.bodyValue(slot: slot)?.int64Value { lastPage = total }
        return FetchedPage(source: source, records: [], scanned: scanned, nextCursor: nextCursor)
    }

    /// Refuses a page with the same records as an earlier one. The count with the first and
    /// last records tells pages apart without hashing every record: a server that repeats a
    /// page repeats all three.
    private func noteRecords(count: Int, first: JSONValue, last: JSONValue, source: String) throws(PluginError) {
        var hasher = Hasher()
        hasher.combine(count)
        hasher.combine(first)
        hasher.combine(last)
        guard seenPages.insert(hasher.finalize()).inserted else {
            var hint = "check the stream's pagination settings"
            // Many 1-based APIs answer page 0 as page 1: then the second page repeats the first.
            if case .pageNumber(_, _, _, 0, _) = stream.pagination, seenPages.count == 1 {
                hint = "the API probably counts pages from 1 and answers page 0 like page 1: set pagination.start_page to 1"
            }
            throw .badData("\(source) returned the same records as an earlier page: the server repeats pages, so reading on would loop; \(hint)")
        }
    }

    /// For page-number and offset styles with `total_path`: remembers the total to stop exactly.
    private func lastTotalJSON(_ json: JSONValue) -> Int64? {
        switch stream.pagination {
        case .pageNumber(_, _, _, _, let totalPath?), .offset(_, _, _, let totalPath?):
            return totalPath.evaluate(json)?.int64Value
        default:
            return nil
        }
    }

    private func planNext(after response: HTTPResponse, page: FetchedPage, request: HTTPRequest) throws(PluginError) {
        let count = Int64(page.recordCount)
        if count == 0 { return }
        if stream.stopOnShortPage, let size = stream.pagination.pageSize, count < size { return }
        switch stream.pagination {
        case .pageNumber(let pageParam, let sizeParam, let size, let start, _):
            let total = lastPage
            nextPage += 1
            if let total {
                let pagesTotal = (total + size - 1) / size
                let last = start + pagesTotal - 1
                guard nextPage <= last else { return }
                if concurrency > 1 {
                    try fetchConcurrently(pages: nextPage...last, pageParam: pageParam, sizeParam: sizeParam, size: size)
                    return
                }
            }
            pending = try builder.request(paging: pageParams(pageParam, sizeParam, size, nextPage))
        case .offset(let offsetParam, let limitParam, let limit, _):
            nextOffset += count
            if let total = lastPage, nextOffset >= total { return }
            pending = try builder.request(paging: [(offsetParam, .number(JSONNumber(nextOffset))), (limitParam, .number(JSONNumber(limit)))])
        case .cursor(let cursorParam, let cursorPath, let limitParam, let limit):
            guard let value = page.nextCursor, value != .null else { return }
            let cursor: String
            switch value {
            case .string(let text): cursor = text
            case .number(let number): cursor = number.text
            default:
                throw .badData("\(page.source) returned \(value.kindDescription) at cursor_path \(cursorPath), not a cursor string; check the stream's pagination.cursor_path")
            }
            if cursor.isEmpty { return }
            guard seenCursors.insert(cursor).inserted else {
                throw .badData("\(page.source) returned the next cursor \"\(client.scrub(cursor))\" a second time: the server's cursors loop, so reading on would never end")
            }
            var paging: [(name: String, value: JSONValue)] = [(cursorParam, .string(cursor))]
            if let limitParam, let limit { paging.append((limitParam, .number(JSONNumber(limit)))) }
            pending = try builder.request(paging: paging)
        case .linkHeader:
            guard let header = response.header("link"), let target = LinkHeader.target(header, relation: "next") else { return }
            let url = target.hasPrefix("http://") || target.hasPrefix("https://") ? target : URLText.join(rootOf(request.location), target)
            guard seenLinks.insert(url).inserted else {
                throw .badData("\(page.source) links to a next page that was already read (\(client.scrub(HTTPRequest(method: "GET", url: url).displayURL(hiding: client.auth.hiddenQueryNames)))): the server's links loop")
            }
            var next = HTTPRequest(method: "GET", url: url)
            next.headers = request.headers
            pending = next
        case .none:
            return
        }
    }

    private func fetchConcurrently(pages: ClosedRange<Int64>, pageParam: String, sizeParam: String?, size: Int64) throws(PluginError) {
        for number in pages {
            let request = try builder.request(paging: pageParams(pageParam, sizeParam, size, number))
            try countPage(request)
            concurrentRemaining.append(request)
        }
    }

    /// Fetches the next few rounds of concurrent pages: enough to keep every connection busy,
    /// few enough to keep memory bounded.
    private func fetchWindow() throws(PluginError) {
        let count = min(concurrency * 4, concurrentRemaining.count)
        let slice = Array(concurrentRemaining.prefix(count))
        concurrentRemaining.removeFirst(count)
        let responses = try client.sendConcurrently(slice, concurrency: concurrency)
        for (request, response) in zip(slice, responses) {
            queue.append(try read(response, request: request))
        }
    }

    private func pageParams(_ pageParam: String, _ sizeParam: String?, _ size: Int64, _ page: Int64) -> [(name: String, value: JSONValue)] {
        var paging: [(name: String, value: JSONValue)] = [(pageParam, .number(JSONNumber(page)))]
        if let sizeParam { paging.append((sizeParam, .number(JSONNumber(size)))) }
        return paging
    }

    private func countPage(_ request: HTTPRequest) throws(PluginError) {
        pagesRead += 1
        guard pagesRead <= stream.maxPages else {
            throw .badData("stream \"\(stream.name)\" would read more than max_pages (\(stream.maxPages)) pages (next: \(client.display(request))); raise max_pages if the API really has that many, or check the pagination settings")
        }
    }

    private func rootOf(_ location: String) -> String {
        guard let scheme = location.firstRange(of: "://") else { return location }
        let rest = location[scheme.upperBound...]
        return String(location[..<(rest.firstIndex(of: "/") ?? rest.endIndex)])
    }
}
