import CCurl
import ETLPluginKit

/// One libcurl easy handle, reused for every request a client sends one after the other, so
/// that the connection (and TLS session) to the API stays open between pages.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    /// Creates the handle.
    /// - Throws: `ETL_INTERNAL` when libcurl cannot be initialised.
    init() throws(PluginError) {
        guard CurlGlobal.isReady, let handle = curl_easy_init() else {
            throw .internalError("libcurl could not be initialised (curl_global_init or curl_easy_init failed)")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Runs one request to its end.
    func perform(_ request: HTTPRequest, settings: HTTPClientSettings, credentials: BasicCredentials?,
                 isCancelled: @escaping () -> Bool) -> TransferOutcome {
        let transfer = TransferContext(isCancelled: isCancelled)
        let headers = CurlTransfer.configure(handle, request: request, settings: settings, credentials: credentials, transfer: transfer)
        defer { curl_slist_free_all(headers) }
        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        return CurlTransfer.outcome(handle, code: code, transfer: transfer)
    }
}
