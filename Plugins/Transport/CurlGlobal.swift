import CCurl

/// libcurl's process-wide initialisation, done once before the first handle is created.
enum CurlGlobal {
    /// True once `curl_global_init` succeeded. Swift runs a static initialiser exactly once,
    /// under a lock, which is what `curl_global_init` (not thread-safe itself) requires.
    static let isReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}
