import Foundation
import CCurl

/// One POST for a notification (a webhook, a healthcheck ping), through libcurl.
///
/// Not the plugins' `ETLTransport.HTTPClient`: that client is built on the plugin kit (a
/// plugin instance's host for logging and cancellation, `PluginError`), with pagination,
/// auth and rate limits the runtime does not need. A notification is one short request whose
/// failure must never stop the run, so this is a plain easy handle with tight timeouts.
enum NotifyHTTP {
    /// Why a request did not get a 2xx answer. Carries no URL: webhook and ping URLs are secrets.
    enum Failure: Error, CustomStringConvertible {
        case transport(String)
        case status(Int)

        var description: String {
            switch self {
            case .transport(let reason): return reason
            case .status(let code): return "the server answered HTTP \(code)"
            }
        }

        /// Worth one more try: no answer, or a server error.
        var isTransient: Bool {
            switch self {
            case .transport: return true
            case .status(let code): return code >= 500 || code == 429
            }
        }
    }

    /// `curl_global_init`, once (Swift runs a static initialiser exactly once, under a lock).
    private static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Timeouts: a notification must not hold the run up for long.
    static let connectTimeoutMilliseconds = 5_000
    static let timeoutMilliseconds = 10_000

    /// POSTs `body` to `url`, with one more attempt a second later after a transient failure.
    static func post(_ url: String, body: [UInt8], contentType: String) -> Failure? {
        var failure = attempt(url, body: body, contentType: contentType)
        if let first = failure, first.isTransient {
            usleep(1_000_000)
            failure = attempt(url, body: body, contentType: contentType)
        }
        return failure
    }

    private static func attempt(_ url: String, body: [UInt8], contentType: String) -> Failure? {
        guard ready, let handle = curl_easy_init() else { return .transport("libcurl could not be initialised") }
        defer { curl_easy_cleanup(handle) }
        _ = etl_curl_set_string(handle, CURLOPT_URL, url)
        // Only http and https, never redirected: a URL from the environment cannot turn into a file read.
        _ = etl_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = etl_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = etl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = etl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds)
        _ = etl_curl_set_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        _ = etl_curl_set_string(handle, CURLOPT_USERAGENT, "etl-runtime-notify/1.0")
        // The answer is not needed; without a callback libcurl would print it to stdout.
        _ = etl_curl_set_data_callback(handle, CURLOPT_WRITEFUNCTION) { _, size, count, _ in size * count }
        _ = etl_curl_set_long(handle, CURLOPT_POST, 1)
        _ = etl_curl_set_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        var headers = curl_slist_append(nil, "Content-Type: \(contentType)")
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        _ = etl_curl_set_slist(handle, CURLOPT_HTTPHEADER, headers)
        let code: CURLcode
        if body.isEmpty {
            _ = etl_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            code = curl_easy_perform(handle)
        } else {
            code = body.withUnsafeBytes { bytes in
                // The body outlives the transfer: libcurl reads it in place.
                _ = etl_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else { return .transport(String(cString: curl_easy_strerror(code))) }
        var status = 0
        _ = etl_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return (200..<300).contains(status) ? nil : .status(status)
    }
}
