import CCurl

/// Sets up one easy handle for one request (shared by the single-request and concurrent paths)
/// and reads the outcome once libcurl has run it.
enum CurlTransfer {
    /// Configures `handle` for `request`. Returns the header list, which must stay alive until
    /// the transfer ends and then be freed with `curl_slist_free_all`.
    static func configure(_ handle: UnsafeMutableRawPointer, request: HTTPRequest, settings: HTTPClientSettings,
                          credentials: BasicCredentials?, transfer: TransferContext) -> UnsafeMutablePointer<curl_slist>? {
        curl_easy_reset(handle)  // keeps the connection cache: reused connections are the point
        _ = etl_curl_set_string(handle, CURLOPT_URL, request.url)
        _ = etl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = etl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds)
        _ = etl_curl_set_long(handle, CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds)
        _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, settings.verifyTLS ? 1 : 0)
        _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, settings.verifyTLS ? 2 : 0)
        if let caBundle = settings.caBundle { _ = etl_curl_set_string(handle, CURLOPT_CAINFO, caBundle) }
        _ = etl_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = etl_curl_set_string(handle, CURLOPT_USERAGENT, "etl-runtime-http/1.0")
        // Redirects are not followed: curl would resend credentials to wherever a 3xx points.
        _ = etl_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = etl_curl_set_data_callback(handle, CURLOPT_WRITEFUNCTION, TransferContext.write)
        _ = etl_curl_set_pointer(handle, CURLOPT_WRITEDATA, transfer.pointer)
        _ = etl_curl_set_data_callback(handle, CURLOPT_HEADERFUNCTION, TransferContext.header)
        _ = etl_curl_set_pointer(handle, CURLOPT_HEADERDATA, transfer.pointer)
        _ = etl_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
        _ = etl_curl_set_progress_callback(handle, TransferContext.progress)
        _ = etl_curl_set_pointer(handle, CURLOPT_XFERINFODATA, transfer.pointer)
        if let credentials {
            _ = etl_curl_set_long(handle, CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC, a macro Swift cannot import
            _ = etl_curl_set_string(handle, CURLOPT_USERNAME, credentials.username)
            _ = etl_curl_set_string(handle, CURLOPT_PASSWORD, credentials.password)
        }
        switch request.method {
        case "GET":
            _ = etl_curl_set_long(handle, CURLOPT_HTTPGET, 1)
        case "POST":
            _ = etl_curl_set_long(handle, CURLOPT_POST, 1)
        default:
            _ = etl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            _ = etl_curl_set_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            if body.isEmpty {
                _ = etl_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS copies the bytes, so the array may go away after this call.
                    _ = etl_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                }
            }
        }
        var list: UnsafeMutablePointer<curl_slist>?
        var headers = request.headers
        if request.body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(("Content-Type", "application/json"))
        }
        if !headers.contains(where: { $0.name.lowercased() == "accept" }) {
            headers.append(("Accept", "application/json"))
        }
        // An empty Expect stops curl from waiting for `100 Continue` before sending a body.
        headers.append(("Expect", ""))
        for header in headers {
            // "Name:" with nothing after the colon is how libcurl is told to leave a header out.
            list = curl_slist_append(list, header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)")
        }
        _ = etl_curl_set_slist(handle, CURLOPT_HTTPHEADER, list)
        return list
    }

    /// The outcome of a finished transfer whose libcurl result was `code`.
    static func outcome(_ handle: UnsafeMutableRawPointer, code: CURLcode, transfer: TransferContext) -> TransferOutcome {
        if transfer.cancelled || code == CURLE_ABORTED_BY_CALLBACK { return .cancelled }
        guard code == CURLE_OK else {
            let reason = curl_easy_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
            return .failure(message: reason, retryable: isRetryable(code))
        }
        var status = 0
        _ = etl_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .response(HTTPResponse(status: status, headers: transfer.headers, body: transfer.body))
    }

    /// Transport errors worth another attempt: the network, not the configuration.
    private static func isRetryable(_ code: CURLcode) -> Bool {
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_COULDNT_RESOLVE_HOST, CURLE_HTTP2, CURLE_HTTP2_STREAM,
        ]
        return transient.contains(code)
    }
}
