import CCurl

/// The easy-handle options every remote file transfer shares: the URL, timeouts, TLS, and the
/// credentials of its scheme. Redirects are not followed (they would carry credentials away).
enum RemoteCurlSetup {
    /// Configures `handle` for `url`. Returns the header list, to free with
    /// `curl_slist_free_all` once the transfer is over.
    static func configure(_ handle: UnsafeMutableRawPointer, url: RemoteURL, settings: RemoteSettings) -> UnsafeMutablePointer<curl_slist>? {
        curl_easy_reset(handle)
        var location = url.text
        _ = etl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = etl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.client.connectTimeoutMilliseconds)
        // A whole file may take long: what is bounded is a stall, no byte for timeout_seconds.
        _ = etl_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = etl_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, settings.client.timeoutMilliseconds / 1000))
        _ = etl_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = etl_curl_set_string(handle, CURLOPT_USERAGENT, "etl-runtime-remote/1.0")
        // No CURLOPT_ACCEPT_ENCODING: a compressed body would make byte offsets (the resume
        // state, Range requests) count compressed bytes instead of the file's.
        var headers: UnsafeMutablePointer<curl_slist>?
        if url.isHTTP {
            _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, settings.client.verifyTLS ? 1 : 0)
            _ = etl_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, settings.client.verifyTLS ? 2 : 0)
            if let caBundle = settings.client.caBundle { _ = etl_curl_set_string(handle, CURLOPT_CAINFO, caBundle) }
            // Last-Modified of every answer, so a ranged GET tells the file's age without a HEAD.
            _ = etl_curl_set_long(handle, CURLOPT_FILETIME, 1)
            switch settings.auth {
            case .none, .oauth2, .login:  // token-based auth is refused by RemoteSettings
                break
            case .bearer(let token):
                headers = curl_slist_append(headers, "Authorization: Bearer \(token)")
            case .apiKeyHeader(let name, let key):
                headers = curl_slist_append(headers, "\(name): \(key)")
            case .apiKeyQuery(let name, let key):
                location += (location.contains("?") ? "&" : "?") + URLText.encode(name) + "=" + URLText.encode(key)
            case .basic(let credentials):
                _ = etl_curl_set_long(handle, CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC, a macro Swift cannot import
                _ = etl_curl_set_string(handle, CURLOPT_USERNAME, credentials.username)
                _ = etl_curl_set_string(handle, CURLOPT_PASSWORD, credentials.password)
            }
            _ = etl_curl_set_slist(handle, CURLOPT_HTTPHEADER, headers)
        } else if let sftp = settings.sftp {
            _ = etl_curl_set_string(handle, CURLOPT_USERNAME, sftp.username)
            if let password = sftp.password {
                _ = etl_curl_set_long(handle, CURLOPT_SSH_AUTH_TYPES, 1 << 1)  // CURLSSH_AUTH_PASSWORD
                _ = etl_curl_set_string(handle, CURLOPT_PASSWORD, password)
            }
            if let key = sftp.privateKeyPath {
                _ = etl_curl_set_long(handle, CURLOPT_SSH_AUTH_TYPES, 1 << 0)  // CURLSSH_AUTH_PUBLICKEY
                _ = etl_curl_set_string(handle, CURLOPT_SSH_PRIVATE_KEYFILE, key)
                // An empty public key file makes libssh2 derive the public key from the private one.
                _ = etl_curl_set_string(handle, CURLOPT_SSH_PUBLIC_KEYFILE, "")
                if let passphrase = sftp.passphrase { _ = etl_curl_set_string(handle, CURLOPT_KEYPASSWD, passphrase) }
            }
            if let knownHosts = sftp.knownHostsPath, !sftp.skipHostKeyCheck {
                _ = etl_curl_set_string(handle, CURLOPT_SSH_KNOWNHOSTS, knownHosts)
            }
        }
        _ = etl_curl_set_string(handle, CURLOPT_URL, location)
        return headers
    }
}
