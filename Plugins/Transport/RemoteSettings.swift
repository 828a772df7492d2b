import ETLPluginKit

/// How a plugin reaches files behind `https://`, `http://` and `sftp://` URLs, read from a
/// `remote` config object: `{"auth": {...}, "sftp": {...}, "timeout_seconds": 30, "retries": 3}`.
///
/// `auth` takes the http plugin's shapes (see `HTTPAuth`), `sftp` those of `SFTPSettings`; the
/// transport keys are `HTTPClientSettings`'s, except that `timeout_seconds` bounds a stall (no
/// byte for that long) rather than a whole transfer, since a large file may take hours.
package struct RemoteSettings: Sendable {
    /// Timeouts, retries, TLS.
    package var client: HTTPClientSettings
    /// Credentials for `http(s)://` URLs.
    package var auth: HTTPAuth
    /// Login and host key check for `sftp://` URLs; nil when not configured.
    package var sftp: SFTPSettings?

    /// The keys of the `remote` object (no rate limit: a file is a handful of requests).
    package static let keys: Set<String> = HTTPClientSettings.keys.subtracting(["rate_limit_per_second"]).union(["auth", "sftp"])

    /// Reads the `remote` object; an absent object gives the defaults and no credentials.
    /// - Throws: `ETL_INVALID_CONFIG` naming the wrong key.
    package init(_ given: PluginConfig?) throws(PluginError) {
        let object: PluginConfig
        if let given {
            object = given
        } else {
            object = try PluginConfig(parsing: "{}", path: "config.remote")
        }
        try object.rejectUnknownKeys(allowed: Self.keys)
        client = try HTTPClientSettings(object)
        auth = try HTTPAuth(object)
        if auth.isTokenBased {
            // A remote file is fetched with one ranged request, not through HTTPClient's token handling.
            throw .invalidConfig("\(object.path).auth: OAuth 2.0 and login tokens are not supported for remote files; use bearer, basic or api_key")
        }
        if let sftp = try object.optionalObject("sftp") {
            self.sftp = try SFTPSettings(sftp)
        } else {
            sftp = nil
        }
    }

    /// Every secret these settings hold.
    package var secrets: [String] { auth.secrets + (sftp?.secrets ?? []) }
}
