import CCurl
import ETLPluginKit

/// One download streamed to the caller on demand: libcurl's multi interface runs only while
/// `read` waits for bytes, writing straight into the caller's memory; what arrives beyond that
/// waits in a small overflow buffer, and once that buffer is full the transfer is paused
/// (`CURL_WRITEFUNC_PAUSE`) until it is drained. Memory stays bounded whatever the file size.
final class CurlStream {
    /// How the transfer ended, once it has.
    enum Ending {
        /// Every byte arrived (or the requested range end was reached).
        case complete
        /// libcurl failed with `code`.
        case failed(CURLcode)
        /// An HTTP status other than 2xx, with the start of its body.
        case status(Int, excerpt: String)
        /// The server answered 200 with the whole file to a request for a range that does not
        /// start at byte 0: it does not support ranges.
        case rangeIgnored
    }

    /// What the server said about the answer before its body (HTTP).
    struct Response {
        /// The HTTP status.
        var status: Int
        /// The body's length (Content-Length), or nil when the server did not say.
        var length: Int64?
        /// The file's modification time (Last-Modified) in seconds since the epoch, or nil.
        var modified: Double?
    }

    /// Bytes kept at most beyond what the caller asked for before the transfer pauses.
    static let overflowLimit = 1 << 20

    private let multi: UnsafeMutableRawPointer
    private let easy: UnsafeMutableRawPointer
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let isHTTP: Bool
    private let rangeStart: Int64
    /// Bytes still wanted when the request has a range end (a 200 answer to `0-N` is cut there).
    private var wanted: Int64?
    private var overflow: [UInt8] = []
    private var overflowStart = 0
    private var target: UnsafeMutableRawPointer?
    private var targetSpace = 0
    private var targetFilled = 0
    private var paused = false
    private var checkedStatus = false
    private var errorStatus: Int?
    private var errorBody: [UInt8] = []
    private var rangeIgnored = false
    private var reachedEnd = false
    private var running = true
    /// The ending, once the transfer is over.
    private(set) var ending: Ending?
    /// The answer's status line and headers, once they arrived (HTTP only).
    private(set) var response: Response?

    /// Starts a transfer of `url` from byte `start` (to `end` inclusive, or to the end of the
    /// file); with `listOnly`, of the names in the folder `url` (sftp).
    convenience init(url: RemoteURL, settings: RemoteSettings, start: Int64, end: Int64?, listOnly: Bool = false) throws(PluginError) {
        try self.init(isHTTP: url.isHTTP, start: start, end: end) { easy in
            let headers = RemoteCurlSetup.configure(easy, url: url, settings: settings)
            if listOnly { _ = etl_curl_set_long(easy, CURLOPT_DIRLISTONLY, 1) }
            return headers
        }
    }

    /// Starts a transfer from byte `start` (to `end` inclusive, or to the end) on a handle
    /// `configure` set up (URL, credentials, headers; it returns the header list to free).
    init(isHTTP: Bool, start: Int64, end: Int64?,
         configure: (UnsafeMutableRawPointer) throws(PluginError) -> UnsafeMutablePointer<curl_slist>?) throws(PluginError) {
        guard CurlGlobal.isReady, let multi = curl_multi_init() else {
            throw .internalError("libcurl could not be initialised (curl_multi_init failed)")
        }
        guard let easy = curl_easy_init() else {
            curl_multi_cleanup(multi)
            throw .internalError("libcurl could not be initialised (curl_easy_init failed)")
        }
        let headers: UnsafeMutablePointer<curl_slist>?
        do throws(PluginError) {
            headers = try configure(easy)
        } catch {
            curl_easy_cleanup(easy)
            curl_multi_cleanup(multi)
            throw error
        }
        self.multi = multi
        self.easy = easy
        self.isHTTP = isHTTP
        rangeStart = start
        wanted = end.map { $0 - start + 1 }
        self.headers = headers
        if start > 0 || end != nil {
            _ = etl_curl_set_string(easy, CURLOPT_RANGE, "\(start)-\(end.map(String.init) ?? "")")
        }
        _ = etl_curl_set_data_callback(easy, CURLOPT_WRITEFUNCTION, Self.write)
        _ = etl_curl_set_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        curl_multi_add_handle(multi, easy)
    }

    deinit {
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        curl_slist_free_all(headers)
        curl_multi_cleanup(multi)
    }

    /// Fills `buffer` with up to `count` bytes, waiting for the network as needed; fewer only
    /// when the transfer ended (see `ending`). Returns the number of bytes written.
    /// - Throws: `ETL_CANCELLED` when `isCancelled` turns true while waiting.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, isCancelled: () -> Bool, what: String) throws(PluginError) -> Int {
        var filled = takeOverflow(into: buffer, count: count)
        while filled < count && ending == nil {
            target = buffer + filled
            targetSpace = count - filled
            targetFilled = 0
            if paused && overflowStart == overflow.count {
                paused = false
                curl_easy_pause(easy, 0)  // CURLPAUSE_CONT; may deliver into the target at once
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            filled += targetFilled
            target = nil
            targetSpace = 0
            targetFilled = 0
            collectEnding()
            if filled < count && ending == nil {
                if isCancelled() { throw .cancelled("\(what) stopped because the host asked to cancel the run") }
                var ready: Int32 = 0
                curl_multi_poll(multi, nil, 0, 100, &ready)
            }
        }
        return filled
    }

    private func takeOverflow(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        let available = overflow.count - overflowStart
        guard available > 0 else { return 0 }
        let taken = min(available, count)
        overflow.withUnsafeBytes { bytes in
            buffer.copyMemory(from: bytes.baseAddress! + overflowStart, byteCount: taken)
        }
        overflowStart += taken
        if overflowStart == overflow.count {
            overflow.removeAll(keepingCapacity: true)
            overflowStart = 0
        }
        return taken
    }

    private func collectEnding() {
        guard running else { return }
        while true {
            var queued: Int32 = 0
            guard let message = curl_multi_info_read(multi, &queued) else { break }
            guard message.pointee.msg == CURLMSG_DONE else { continue }
            running = false
            let code = message.pointee.data.result
            // An empty body never reaches the write callback: the headers are read here then.
            if response == nil && code == CURLE_OK { noteResponse() }
            if rangeIgnored {
                ending = .rangeIgnored
            } else if let status = errorStatus {
                ending = .status(status, excerpt: String(decoding: errorBody, as: UTF8.self))
            } else if code == CURLE_OK || (reachedEnd && code == CURLE_WRITE_ERROR) {
                ending = .complete
            } else {
                ending = .failed(code)
            }
        }
    }

    /// CURLOPT_WRITEFUNCTION: into the caller's buffer first, then the overflow; pauses when
    /// the overflow is full.
    private static let write: etl_curl_data_callback = { data, size, count, context in
        let length = size * count
        guard let context, let data else { return 0 }
        let stream = Unmanaged<CurlStream>.fromOpaque(context).takeUnretainedValue()
        return stream.receive(UnsafeRawPointer(data), length)
    }

    /// Reads the answer's status, length and modification time into `response`; returns the status.
    @discardableResult
    private func noteResponse() -> Int {
        var status = 0
        var length: curl_off_t = -1
        var time: curl_off_t = -1
        _ = etl_curl_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
        _ = etl_curl_get_off_t(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
        _ = etl_curl_get_off_t(easy, CURLINFO_FILETIME_T, &time)
        if isHTTP {
            response = Response(status: status, length: length >= 0 ? Int64(length) : nil, modified: time >= 0 ? Double(time) : nil)
        }
        return status
    }

    private func receive(_ data: UnsafeRawPointer, _ length: Int) -> Int {
        if !checkedStatus {
            checkedStatus = true
            if isHTTP {
                let status = noteResponse()
                if !(200..<300).contains(status) {
                    errorStatus = status
                } else if status == 200 && rangeStart > 0 {
                    rangeIgnored = true
                    return 0
                }
            }
        }
        if errorStatus != nil {
            // An error page: keep its start for the message, never hand it over as file bytes.
            errorBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(length, max(0, 300 - errorBody.count))))
            return length
        }
        if let left = wanted, left <= 0 {
            reachedEnd = true
            return 0
        }
        let usable = wanted.map { Int(min(Int64(length), $0)) } ?? length
        let pending = overflow.count - overflowStart
        let room = target == nil ? 0 : targetSpace - targetFilled
        // Never pause with an empty overflow: a single chunk always fits, so reading moves on.
        if pending > 0 && pending + max(0, usable - room) > Self.overflowLimit {
            paused = true
            return Int(CURL_WRITEFUNC_PAUSE)
        }
        var copied = 0
        if let target, room > 0 {
            copied = min(usable, room)
            (target + targetFilled).copyMemory(from: data, byteCount: copied)
            targetFilled += copied
        }
        if copied < usable {
            overflow.append(contentsOf: UnsafeRawBufferPointer(start: data + copied, count: usable - copied))
        }
        if let left = wanted {
            wanted = left - Int64(usable)
            if usable < length {
                // The range end is reached inside this chunk: a server that sent more than
                // asked for (a 200 to a `0-N` request) is stopped here.
                reachedEnd = true
                return 0
            }
        }
        return length
    }
}
