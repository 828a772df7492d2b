import ETLPluginKit

/// The transport settings every request of a plugin instance shares, read from its config.
package struct HTTPClientSettings: Sendable, Hashable {
    /// Total time allowed for one attempt, in milliseconds (`timeout_seconds`, default 30).
    package var timeoutMilliseconds: Int
    /// Time allowed to connect, in milliseconds (`connect_timeout_seconds`, default 10).
    package var connectTimeoutMilliseconds: Int
    /// Extra attempts after the first on connection errors, timeouts, 5xx and 429 (`retries`, default 3).
    package var retries: Int
    /// First backoff delay in seconds; each retry doubles the cap (`retry_base_seconds`, default 0.2).
    package var retryBaseSeconds: Double
    /// Longest backoff or Retry-After wait in seconds (`retry_max_seconds`, default 30).
    package var retryMaxSeconds: Double
    /// Requests per second, or nil for no limit (`rate_limit_per_second`).
    package var rateLimitPerSecond: Double?
    /// Whether the server's TLS certificate and host name are checked (`verify_tls`, default true).
    package var verifyTLS: Bool
    /// A PEM file of CA certificates to trust instead of the system's (`ca_bundle`).
    package var caBundle: String?

    /// The config keys this type reads.
    package static let keys: Set<String> = [
        "timeout_seconds", "connect_timeout_seconds", "retries", "retry_base_seconds", "retry_max_seconds",
        "rate_limit_per_second", "verify_tls", "ca_bundle",
    ]

    /// Reads the settings from the plugin's config.
    package init(_ config: PluginConfig) throws(PluginError) {
        let timeout = try config.double("timeout_seconds", default: 30)
        let connect = try config.double("connect_timeout_seconds", default: 10)
        guard timeout > 0, connect > 0 else {
            throw .invalidConfig("\(config.path).timeout_seconds and connect_timeout_seconds must be positive numbers of seconds")
        }
        timeoutMilliseconds = max(1, Int(timeout * 1000))
        connectTimeoutMilliseconds = max(1, Int(connect * 1000))
        let retries = try config.int("retries", default: 3)
        guard (0...20).contains(retries) else {
            throw .invalidConfig("\(config.path).retries must be from 0 to 20 (found \(retries))")
        }
        self.retries = Int(retries)
        retryBaseSeconds = max(0, try config.double("retry_base_seconds", default: 0.2))
        retryMaxSeconds = max(0, try config.double("retry_max_seconds", default: 30))
        if let rate = try config.optionalDouble("rate_limit_per_second") {
            guard rate > 0 else {
                throw .invalidConfig("\(config.path).rate_limit_per_second must be positive (found \(rate)); remove it for no limit")
            }
            rateLimitPerSecond = rate
        } else {
            rateLimitPerSecond = nil
        }
        verifyTLS = try config.bool("verify_tls", default: true)
        caBundle = try config.optionalString("ca_bundle")
    }
}
