import CCurl
import ETLPluginKit

/// A file behind an `https://`, `http://` or `sftp://` URL, read like a local file by offset but
/// streamed: consecutive reads continue one transfer (no temporary copy), a read elsewhere
/// starts a new transfer with a byte range. Connection errors, timeouts, 408/429/5xx are
/// retried with backoff up to `retries` times; a transfer cut after bytes arrived resumes
/// with a range from the next byte, and a server that then answers 200 (no range support)
/// fails clearly instead of repeating bytes. Every message names the URL without credentials.
/// Used from one thread at a time.
package final class RemoteFile {
    /// The file's URL.
    package let url: RemoteURL
    private let settings: RemoteSettings
    private let scrubber: SecretScrubber
    private let isCancelled: () -> Bool
    private let warn: (String) -> Void
    private var stream: CurlStream?
    /// The file offset of the next byte `stream` delivers.
    private var position: Int64 = 0
    /// The status line and headers of the last answer a transfer got (HTTP), and the offset
    /// that transfer started at (a transfer cut and resumed starts later than asked).
    private var lastResponse: (start: Int64, response: CurlStream.Response)?

    /// A file at `url`. `isCancelled` is asked while waiting for the network; `warn` receives
    /// retry notices (already free of secrets).
    package init(url: RemoteURL, settings: RemoteSettings, isCancelled: @escaping () -> Bool, warn: @escaping (String) -> Void) {
        self.url = url
        self.settings = settings
        self.scrubber = SecretScrubber(secrets: settings.secrets)
        self.isCancelled = isCancelled
        self.warn = warn
    }

    /// The file's size and modification time, asked of the server (HTTP `HEAD`, sftp `stat`).
    /// - Throws: `ETL_IO_ERROR` when the server cannot be reached or does not give a size,
    ///   `ETL_INVALID_CONFIG` for refused credentials.
    package func status() throws(PluginError) -> RemoteFileStatus {
        var attempt = 1
        while true {
            guard CurlGlobal.isReady, let easy = curl_easy_init() else {
                throw .internalError("libcurl could not be initialised (curl_easy_init failed)")
            }
            defer { curl_easy_cleanup(easy) }
            let headers = RemoteCurlSetup.configure(easy, url: url, settings: settings)
            defer { curl_slist_free_all(headers) }
            _ = etl_curl_set_long(easy, CURLOPT_NOBODY, 1)
            _ = etl_curl_set_long(easy, CURLOPT_FILETIME, 1)
            let code = curl_easy_perform(easy)
            var status = 0
            _ = etl_curl_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
            let ending: CurlStream.Ending
            if code != CURLE_OK {
                ending = .failed(code)
            } else if url.isHTTP && !(200..<300).contains(status) {
                ending = .status(status, excerpt: "")
            } else {
                var size: curl_off_t = -1
                var time: curl_off_t = -1
                _ = etl_curl_get_off_t(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &size)
                _ = etl_curl_get_off_t(easy, CURLINFO_FILETIME_T, &time)
                guard size >= 0 else {
                    throw .ioError("\(url.display) did not give the file's size (no Content-Length); the csv source needs it to read a consistent snapshot")
                }
                return RemoteFileStatus(size: Int64(size), modified: time >= 0 ? Double(time) : nil)
            }
            try retryOrThrow(ending, start: 0, attempt: &attempt)
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    /// - Throws: `ETL_IO_ERROR` once retries are spent, `ETL_BAD_DATA` when the server cannot
    ///   serve the range (it ignores ranges, or the file shrank), `ETL_CANCELLED`.
    package func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        try pull(&stream, position: &position, into: buffer, count: count, at: offset, end: nil)
    }

    /// The `count` bytes at `start` (fewer at the end of the file) as the first bytes of a
    /// transfer that runs on to the end of the file (HTTP: one GET with `Range: bytes=start-`,
    /// none for `start` 0): a `read` at `start + bytes.count` continues it, with no new request.
    /// The file's size and modification time come from the same answer (its Content-Length and
    /// Last-Modified), so no HEAD is needed.
    /// - Returns: nil when the file is now shorter than `start` (HTTP 416).
    /// - Throws: as `read`.
    package func window(at start: Int64, count: Int) throws(PluginError) -> RemoteWindow? {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
        defer { buffer.deallocate() }
        lastResponse = nil
        guard let got = try pull(&stream, position: &position, into: buffer, count: count, at: start, end: nil, unsatisfiable: .answerNil) else {
            return nil
        }
        let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: got))
        var status: RemoteFileStatus?
        if let (from, response) = lastResponse, let length = response.length {
            // A 206 runs from where its transfer started to the end of the file; a 200 is the whole file.
            let size: Int64? = response.status == 206 ? from + length : (response.status == 200 && from == 0 ? length : nil)
            status = size.map { RemoteFileStatus(size: $0, modified: response.modified) }
        }
        return RemoteWindow(start: start, bytes: bytes, status: status)
    }

    /// The `count` bytes at `offset` (fewer at the end of the file), fetched with a range of
    /// their own so that a read in progress continues undisturbed.
    package func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        guard count > 0 else { return [] }
        var oneShot: CurlStream?
        var oneShotPosition: Int64 = 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        let got = try pull(&oneShot, position: &oneShotPosition, into: buffer, count: count, at: offset, end: offset + Int64(count) - 1)
        return Array(UnsafeRawBufferPointer(start: buffer, count: got))
    }

    /// The names in the folder `url` (an sftp folder URL ending in `/`), without `.` and `..`,
    /// in the order the server sent them.
    package func folderNames() throws(PluginError) -> [String] {
        var attempt = 1
        while true {
            let listing = try CurlStream(url: url, settings: settings, start: 0, end: nil, listOnly: true)
            var text: [UInt8] = []
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
            defer { chunk.deallocate() }
            while true {
                let got = try listing.read(into: chunk, count: 64 << 10, isCancelled: isCancelled, what: "listing \(url.display)")
                text.append(contentsOf: UnsafeRawBufferPointer(start: chunk, count: got))
                if got < 64 << 10, listing.ending != nil { break }
            }
            if case .complete = listing.ending! {
                return String(decoding: text, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                    .map(String.init).filter { $0 != "." && $0 != ".." }
            }
            try retryOrThrow(listing.ending!, start: 0, attempt: &attempt)
        }
    }

    /// What `pull` does when the server says the range starts beyond the end of the file.
    private enum Unsatisfiable {
        /// Fails, as any other final answer (the file shrank under a read in progress).
        case fail
        /// Answers nil: the caller finds out what the file is now.
        case answerNil
    }

    private func pull(_ stream: inout CurlStream?, position: inout Int64, into buffer: UnsafeMutableRawPointer, count: Int,
                      at offset: Int64, end: Int64?) throws(PluginError) -> Int {
        try pull(&stream, position: &position, into: buffer, count: count, at: offset, end: end, unsatisfiable: .fail) ?? 0
    }

    private func pull(_ stream: inout CurlStream?, position: inout Int64, into buffer: UnsafeMutableRawPointer, count: Int,
                      at offset: Int64, end: Int64?, unsatisfiable: Unsatisfiable) throws(PluginError) -> Int? {
        var filled = 0
        var attempt = 1
        // Where the transfer this call started begins: its answer's length counts from there.
        var started: Int64?
        while filled < count {
            let next = offset + Int64(filled)
            if stream == nil || position != next {
                stream = try CurlStream(url: url, settings: settings, start: next, end: end)
                position = next
                started = next
            }
            let got = try stream!.read(into: buffer + filled, count: count - filled, isCancelled: isCancelled, what: url.display)
            filled += got
            position += Int64(got)
            if got > 0 { attempt = 1 }
            if let started, let response = stream!.response { lastResponse = (started, response) }
            guard filled < count, let ending = stream!.ending else { continue }
            stream = nil
            if case .complete = ending { break }
            if case .status(416, _) = ending, unsatisfiable == .answerNil { return nil }
            try retryOrThrow(ending, start: next, attempt: &attempt)
        }
        return filled
    }

    /// Sleeps before another attempt when `ending` may pass on retry and attempts are left;
    /// otherwise throws the ending's error.
    private func retryOrThrow(_ ending: CurlStream.Ending, start: Int64, attempt: inout Int) throws(PluginError) {
        let attempts = settings.client.retries + 1
        guard RemoteFailure.isRetryable(ending), attempt < attempts else {
            let error = RemoteFailure.error(ending, url: url, start: start, attempts: attempt)
            throw PluginError(error.code, scrubber.scrub(error.message))
        }
        let delay = RetryDelay.backoff(attempt: attempt, base: settings.client.retryBaseSeconds, cap: settings.client.retryMaxSeconds)
        warn(scrubber.scrub("\(url.display) attempt \(attempt) of \(attempts) failed (\(RemoteFailure.summary(ending))); retrying from byte \(start)"))
        guard MonotonicClock.sleep(delay, isCancelled: isCancelled) else {
            throw .cancelled("\(url.display) stopped because the host asked to cancel the run")
        }
        attempt += 1
    }
}
