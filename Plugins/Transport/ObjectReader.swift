import CCurl
import ETLPluginKit

/// An object's bytes, read like a local file by offset but streamed: consecutive `read`s
/// continue one GET (no temporary copy, memory bounded by `CurlStream`'s overflow of 1 MiB), a
/// read elsewhere starts a new GET with a `Range`. A transfer cut after bytes arrived (a
/// dropped connection, a stall beyond `timeout_seconds`) resumes with a range from the next
/// byte; connection errors, 408, 429 and 5xx are retried with backoff up to `retries` times.
/// On S3 every GET carries `If-Match` with the ETag the reader was made for, so a resumed read
/// never stitches two versions of an object together (HTTP 412 → `ETL_BAD_DATA`).
///
/// Made by `ObjectStore.reader(for:)`; used from one thread at a time.
package final class ObjectReader {
    /// The object as it was when the reader was made.
    package let info: ObjectInfo
    private let store: ObjectStore
    private var stream: CurlStream?
    /// The object offset of the next byte `stream` delivers.
    private var position: Int64 = 0

    init(store: ObjectStore, info: ObjectInfo) {
        self.store = store
        self.info = info
    }

    /// The object's `s3://bucket/key` for messages.
    package var display: String { store.display(info.key) }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the object.
    /// - Throws: `ETL_IO_ERROR` once retries are spent, `ETL_BAD_DATA` when the object was
    ///   replaced, `ETL_INVALID_CONFIG` for refused credentials, `ETL_CANCELLED`.
    package func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        guard offset < info.size, count > 0 else { return 0 }
        return try pull(&stream, position: &position, into: buffer, count: min(count, Int(info.size - offset)), at: offset, end: nil)
    }

    /// The `count` bytes at `offset` (fewer at the end), fetched with a range of their own so
    /// that a sequential read in progress continues undisturbed (e.g. a Parquet footer).
    package func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        let wanted = Int(max(0, min(Int64(count), info.size - offset)))
        guard wanted > 0 else { return [] }
        var oneShot: CurlStream?
        var oneShotPosition: Int64 = 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 8)
        defer { buffer.deallocate() }
        let got = try pull(&oneShot, position: &oneShotPosition, into: buffer, count: wanted, at: offset, end: offset + Int64(wanted) - 1)
        return Array(UnsafeRawBufferPointer(start: buffer, count: got))
    }

    private func open(start: Int64, end: Int64?) throws(PluginError) -> CurlStream {
        let url = store.mediaURL(info.key)
        let pins = store.pinning(info.etag)
        let settings = store.settings
        return try CurlStream(isHTTP: true, start: start, end: end) { (easy) throws(PluginError) -> UnsafeMutablePointer<curl_slist>? in
            curl_easy_reset(easy)
            _ = etl_curl_set_string(easy, CURLOPT_URL, url)
            ObjectStoreCurl.configureCommon(easy, settings: settings)
            _ = etl_curl_set_long(easy, CURLOPT_FILETIME, 1)
            var headers: UnsafeMutablePointer<curl_slist>?
            for line in try store.authorize(easy) + pins.map({ "\($0.name): \($0.value)" }) {
                headers = curl_slist_append(headers, line)
            }
            _ = etl_curl_set_slist(easy, CURLOPT_HTTPHEADER, headers)
            return headers
        }
    }

    private func pull(_ stream: inout CurlStream?, position: inout Int64, into buffer: UnsafeMutableRawPointer, count: Int,
                      at offset: Int64, end: Int64?) throws(PluginError) -> Int {
        var filled = 0
        var attempt = 1
        while filled < count {
            let next = offset + Int64(filled)
            if stream == nil || position != next {
                stream = try open(start: next, end: end)
                position = next
            }
            let got = try stream!.read(into: buffer + filled, count: count - filled, isCancelled: { store.cancelled }, what: display)
            filled += got
            position += Int64(got)
            if got > 0 { attempt = 1 }
            guard filled < count, let ending = stream!.ending else { continue }
            stream = nil
            if case .complete = ending {
                guard next + Int64(got) >= info.size || end != nil else {
                    // The body ended early with a clean close: treat as a cut and resume.
                    try retryOrThrow(.failed(CURLE_PARTIAL_FILE), start: position, attempt: &attempt)
                    continue
                }
                break
            }
            try retryOrThrow(ending, start: position, attempt: &attempt)
        }
        return filled
    }

    private func retryOrThrow(_ ending: CurlStream.Ending, start: Int64, attempt: inout Int) throws(PluginError) {
        let attempts = store.settings.client.retries + 1
        guard RemoteFailure.isRetryable(ending), attempt < attempts else {
            switch ending {
            case .status(let status, let excerpt):
                throw store.failure(status: status, storeSaid: excerpt, subject: display)
            case .rangeIgnored:
                throw PluginError.badData("\(display) answered 200 with the whole object to a request for the bytes from \(start) on: the store ignores byte ranges, so reading cannot resume")
            case .failed(let code):
                throw PluginError.ioError(store.scrub("\(display) failed after \(attempt) attempt\(attempt == 1 ? "" : "s") at byte \(start): \(RemoteFailure.reason(code)); check that the store is reachable, or raise remote.timeout_seconds / remote.retries"))
            case .complete:
                throw PluginError.internalError("\(display): a complete transfer was reported as a failure")
            }
        }
        let settings = store.settings.client
        store.warning("\(display) attempt \(attempt) of \(attempts) failed (\(RemoteFailure.summary(ending))); resuming from byte \(start)")
        guard MonotonicClock.sleep(RetryDelay.backoff(attempt: attempt, base: settings.retryBaseSeconds, cap: settings.retryMaxSeconds),
                                   isCancelled: { store.cancelled }) else {
            throw PluginError.cancelled("\(display) stopped because the host asked to cancel the run")
        }
        attempt += 1
    }
}
