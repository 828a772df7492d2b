import CCurl
import ETLPluginKit
#if canImport(Glibc)
import Glibc
#endif

/// Sends the object stores' small requests (listings, HEAD, PUT of a file, DELETE, copy) one
/// after the other on one libcurl handle, so the connection stays open between pages. Each
/// request is signed by the `ObjectStoreAuthorizer`; connection errors, timeouts, 408, 429 and
/// 5xx are retried with backoff up to `retries` times. Every message passes the scrubber.
final class ObjectStoreHTTP {
    private let handle: UnsafeMutableRawPointer
    private let settings: ObjectStoreSettings
    private let authorizer: ObjectStoreAuthorizer
    let scrubber: SecretScrubber
    private let isCancelled: () -> Bool
    private let warn: (String) -> Void

    init(settings: ObjectStoreSettings, authorizer: ObjectStoreAuthorizer, isCancelled: @escaping () -> Bool,
         warn: @escaping (String) -> Void) throws(PluginError) {
        guard CurlGlobal.isReady, let handle = curl_easy_init() else {
            throw .internalError("libcurl could not be initialised (curl_easy_init failed)")
        }
        self.handle = handle
        self.settings = settings
        self.authorizer = authorizer
        scrubber = SecretScrubber(secrets: settings.secrets)
        self.isCancelled = isCancelled
        self.warn = warn
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends `request` until it gets a final answer (any status but the retried ones).
    /// - Throws: `ETL_IO_ERROR` when the store cannot be reached after the retries,
    ///   `ETL_CANCELLED`, or what signing throws.
    func send(_ request: ObjectStoreRequest) throws(PluginError) -> HTTPResponse {
        var attempt = 1
        let attempts = settings.client.retries + 1
        while true {
            let outcome = try sendOnce(request)
            let why: String
            switch outcome {
            case .response(let response):
                guard response.status == 408 || response.status == 429 || (500..<600).contains(response.status) else { return response }
                guard attempt < attempts else { return response }
                why = "HTTP \(response.status)"
            case .failure(let message, let retryable):
                guard retryable, attempt < attempts else {
                    throw .ioError(scrubber.scrub("\(request.subject) failed after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(message); check remote.endpoint and the network, or raise remote.retries"))
                }
                why = message
            case .cancelled:
                throw .cancelled("\(request.subject) stopped because the host asked to cancel the run")
            }
            let delay = RetryDelay.backoff(attempt: attempt, base: settings.client.retryBaseSeconds, cap: settings.client.retryMaxSeconds)
            warn(scrubber.scrub("\(request.subject) attempt \(attempt) of \(attempts) failed (\(why)); retrying"))
            guard MonotonicClock.sleep(delay, isCancelled: isCancelled) else {
                throw .cancelled("\(request.subject) stopped because the host asked to cancel the run")
            }
            attempt += 1
        }
    }

    private func sendOnce(_ request: ObjectStoreRequest) throws(PluginError) -> TransferOutcome {
        curl_easy_reset(handle)
        let transfer = TransferContext(isCancelled: isCancelled)
        _ = etl_curl_set_string(handle, CURLOPT_URL, request.url)
        ObjectStoreCurl.configureCommon(handle, settings: settings)
        _ = etl_curl_set_long(handle, CURLOPT_TIMEOUT_MS, 0)
        _ = etl_curl_set_data_callback(handle, CURLOPT_WRITEFUNCTION, TransferContext.write)
        _ = etl_curl_set_pointer(handle, CURLOPT_WRITEDATA, transfer.pointer)
        _ = etl_curl_set_data_callback(handle, CURLOPT_HEADERFUNCTION, TransferContext.header)
        _ = etl_curl_set_pointer(handle, CURLOPT_HEADERDATA, transfer.pointer)
        _ = etl_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
        _ = etl_curl_set_progress_callback(handle, TransferContext.progress)
        _ = etl_curl_set_pointer(handle, CURLOPT_XFERINFODATA, transfer.pointer)
        var upload: FileRangeUpload?
        switch request.body {
        case .none:
            if request.method == "HEAD" {
                _ = etl_curl_set_long(handle, CURLOPT_NOBODY, 1)
            } else if request.method != "GET" {
                _ = etl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            }
        case .bytes(let bytes):
            _ = etl_curl_set_long(handle, CURLOPT_POST, 1)
            _ = etl_curl_set_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            bytes.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies the bytes (an empty body still needs a valid pointer).
                _ = etl_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
            if request.method != "POST" { _ = etl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method) }
        case .file(let path, let offset, let size):
            guard let range = FileRangeUpload(path: path, offset: offset, size: size) else {
                throw .ioError("cannot open \(path) to upload it to \(request.subject); check that it exists and is readable")
            }
            upload = range
            _ = etl_curl_set_long(handle, CURLOPT_UPLOAD, 1)
            _ = etl_curl_set_data_callback(handle, CURLOPT_READFUNCTION, FileRangeUpload.read)
            _ = etl_curl_set_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(range).toOpaque())
            _ = etl_curl_set_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(size))
            if request.method != "PUT" { _ = etl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method) }
        }
        var lines = try authorizer.authorize(handle, body: request.body)
        lines += request.headers.map { "\($0.name): \($0.value)" }
        if settings.s3Credentials == nil {
            lines.append("Expect:")  // no wait for `100 Continue` before a body
        } else {
            // libcurl 7.88 signs a header-removing "Name:" line as if it were sent, breaking
            // SigV4: keep the Expect header and only shorten the wait for `100 Continue`.
            _ = etl_curl_set_long(handle, CURLOPT_EXPECT_100_TIMEOUT_MS, 200)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        _ = etl_curl_set_slist(handle, CURLOPT_HTTPHEADER, list)
        let code = withExtendedLifetime((transfer, upload)) { curl_easy_perform(handle) }
        return CurlTransfer.outcome(handle, code: code, transfer: transfer)
    }
}

/// The bytes of one upload: `size` bytes of a local file from `offset` (a whole file, or one
/// part of a multipart upload), handed to libcurl in its chunks by `read`.
final class FileRangeUpload {
    private let file: UnsafeMutablePointer<FILE>
    private var left: Int64

    init?(path: String, offset: Int64, size: Int64) {
        guard let file = fopen(path, "rb") else { return nil }
        guard fseeko(file, off_t(offset), SEEK_SET) == 0 else {
            fclose(file)
            return nil
        }
        self.file = file
        left = size
    }

    deinit { fclose(file) }

    /// CURLOPT_READFUNCTION: 0 once the range is sent (or the file ended early, which libcurl
    /// reports as a failed upload since the declared size was not reached).
    static let read: etl_curl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let upload = Unmanaged<FileRangeUpload>.fromOpaque(context).takeUnretainedValue()
        let wanted = Int(min(Int64(size * count), upload.left))
        guard wanted > 0 else { return 0 }
        let got = fread(buffer, 1, wanted, upload.file)
        upload.left -= Int64(got)
        return got
    }
}

/// The libcurl options every object-store transfer shares.
enum ObjectStoreCurl {
    static func configureCommon(_ handle: UnsafeMutableRawPointer, settings: ObjectStoreSettings) {
        _ = etl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = etl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.client.connectTimeoutMilliseconds)
        // Objects may be large: what is bounded is a stall, no byte for timeout_seconds.
        _ = etl_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = etl_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, settings.client.timeoutMilliseconds / 1000))
        _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, settings.client.verifyTLS ? 1 : 0)
        _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, settings.client.verifyTLS ? 2 : 0)
        if let caBundle = settings.client.caBundle { _ = etl_curl_set_string(handle, CURLOPT_CAINFO, caBundle) }
        // Redirects are not followed: they would carry the signature or the token elsewhere.
        _ = etl_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = etl_curl_set_string(handle, CURLOPT_USERAGENT, "etl-runtime-objectstore/1.0")
    }
}
