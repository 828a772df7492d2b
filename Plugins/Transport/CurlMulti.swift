import CCurl
import ETLPluginKit

/// Runs several requests at once over libcurl's multi interface, on the calling thread, with a
/// pool of easy handles kept between calls so their connections are reused.
final class CurlMulti {
    private let multi: UnsafeMutableRawPointer
    private var pool: [UnsafeMutableRawPointer] = []

    /// Creates the multi handle.
    /// - Throws: `ETL_INTERNAL` when libcurl cannot be initialised.
    init() throws(PluginError) {
        guard CurlGlobal.isReady, let multi = curl_multi_init() else {
            throw .internalError("libcurl could not be initialised (curl_multi_init failed)")
        }
        self.multi = multi
    }

    deinit {
        for handle in pool { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    /// Runs `requests` with at most `concurrency` in flight; outcomes come back in the order
    /// of `requests`. `beforeStart` runs before each transfer starts (the rate limit waits there).
    func perform(_ requests: [HTTPRequest], concurrency: Int, settings: HTTPClientSettings, credentials: BasicCredentials?,
                 isCancelled: @escaping () -> Bool, beforeStart: () -> Void) -> [TransferOutcome] {
        var outcomes = [TransferOutcome?](repeating: nil, count: requests.count)
        var running: [UnsafeMutableRawPointer: (index: Int, transfer: TransferContext, headers: UnsafeMutablePointer<curl_slist>?)] = [:]
        var next = 0
        var cancelled = false
        while next < requests.count || !running.isEmpty {
            while !cancelled, next < requests.count, running.count < max(1, concurrency) {
                beforeStart()
                let handle = takeHandle()
                let transfer = TransferContext(isCancelled: isCancelled)
                let headers = CurlTransfer.configure(handle, request: requests[next], settings: settings,
                                                     credentials: credentials, transfer: transfer)
                curl_multi_add_handle(multi, handle)
                running[handle] = (next, transfer, headers)
                next += 1
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            while true {
                var queued: Int32 = 0
                guard let message = curl_multi_info_read(multi, &queued) else { break }
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let item = running.removeValue(forKey: handle) else { continue }
                let code = message.pointee.data.result
                outcomes[item.index] = CurlTransfer.outcome(handle, code: code, transfer: item.transfer)
                curl_multi_remove_handle(multi, handle)
                curl_slist_free_all(item.headers)
                pool.append(handle)
            }
            if isCancelled() {
                cancelled = true
            }
            if cancelled && next < requests.count {
                for index in next..<requests.count { outcomes[index] = .cancelled }
                next = requests.count
            }
            if !running.isEmpty {
                var ready: Int32 = 0
                curl_multi_poll(multi, nil, 0, 100, &ready)
            }
        }
        return outcomes.map { $0 ?? .cancelled }
    }

    private func takeHandle() -> UnsafeMutableRawPointer {
        if let handle = pool.popLast() { return handle }
        // curl_easy_init fails only when out of memory; a crash there is the honest outcome.
        return curl_easy_init()!
    }
}
