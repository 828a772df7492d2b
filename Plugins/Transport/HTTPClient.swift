import ETLPluginKit

/// Sends requests for one plugin instance: credentials added, the rate limit respected,
/// connection errors, timeouts, 5xx and 429 retried with backoff, cancellation honoured, and
/// every message free of secrets. With a token-based `auth`, a 401 is answered by fetching a
/// new token and sending the request once more. Each completed attempt is logged at debug
/// level (`etl-runtime run --verbose`). Used from one thread at a time (the instance's).
package final class HTTPClient {
    /// The transport settings.
    package let settings: HTTPClientSettings
    /// How requests authenticate.
    package let auth: HTTPAuth
    private let host: PluginHost
    private var scrubber: SecretScrubber
    private let tokens: TokenSource?
    /// How many of `tokens.issuedSecrets` the scrubber knows.
    private var scrubbedTokens = 0
    private let easy: CurlEasy
    private lazy var multi: CurlMulti? = try? CurlMulti()
    private let limiter: RateLimiter?

    /// Creates a client; its easy handle (and so its connections) lives as long as it does.
    package init(settings: HTTPClientSettings, auth: HTTPAuth, host: PluginHost) throws(PluginError) {
        self.settings = settings
        self.auth = auth
        self.host = host
        self.scrubber = SecretScrubber(secrets: auth.secrets)
        self.tokens = auth.tokenGrant.map(TokenSource.init)
        self.easy = try CurlEasy()
        self.limiter = settings.rateLimitPerSecond.map { RateLimiter(perSecond: $0) }
        if !settings.verifyTLS {
            host.warning("verify_tls is false: server certificates are not checked, so anyone on the network path can read or change this traffic; prefer ca_bundle for a private authority")
        }
    }

    /// The request's URL as messages show it: no secret query parameters, no secrets at all.
    package func display(_ request: HTTPRequest) -> String {
        scrubber.scrub("\(request.method) \(request.displayURL(hiding: auth.hiddenQueryNames))")
    }

    /// Text with every secret removed (for messages that quote a server's answer).
    package func scrub(_ text: String) -> String { scrubber.scrub(text) }

    /// Sends `request`, retrying what may succeed later, and returns the final response, whatever
    /// its status (429 and 5xx only once retries are exhausted).
    /// - Throws: `ETL_IO_ERROR` when no response came after every attempt (naming the URL and the
    ///   attempt count), `ETL_CANCELLED` when the host asked to stop.
    package func send(_ request: HTTPRequest) throws(PluginError) -> HTTPResponse {
        var triedNewToken = false
        while true {
            let response = try transmit(try authorised(request), shownAs: request, credentials: auth.credentials)
            // One new token per refusal, never a loop: a second 401 is final (ResponseCheck).
            guard response.status == 401, let tokens, !triedNewToken else { return response }
            host.info(scrub("\(display(request)) answered HTTP 401 Unauthorized: the token was refused (expired or revoked); fetching a new one and sending the request once more"))
            tokens.discard()
            triedNewToken = true
        }
    }

    /// A note added to each request's debug line (e.g. the incremental parameter and the
    /// lookback applied), set by the source for the read under way.
    package var requestNote: String?

    /// `request` with its credentials, a token fetched first when one is needed.
    private func authorised(_ request: HTTPRequest) throws(PluginError) -> HTTPRequest {
        var authorised = request
        auth.apply(to: &authorised)
        if let tokens {
            let header = try tokens.header { (tokenRequest, credentials) throws(PluginError) in
                try transmit(tokenRequest, shownAs: tokenRequest, credentials: credentials, noted: false)
            }
            // Every token issued, and a rotated refresh token, is hidden from then on.
            if tokens.issuedSecrets.count != scrubbedTokens {
                scrubber = SecretScrubber(secrets: auth.secrets + tokens.issuedSecrets)
                scrubbedTokens = tokens.issuedSecrets.count
            }
            authorised.headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            authorised.headers.append(header)
        }
        return authorised
    }

    /// Sends an already authorised request with retries; `shown` is what messages show.
    private func transmit(_ authorised: HTTPRequest, shownAs request: HTTPRequest, credentials: BasicCredentials?,
                          noted: Bool = true) throws(PluginError) -> HTTPResponse {
        let attempts = settings.retries + 1
        var attempt = 1
        while true {
            try waitForRateLimit(request)
            let started = MonotonicClock.now()
            let outcome = easy.perform(authorised, settings: settings, credentials: credentials, isCancelled: { [host] in host.isCancelled })
            logCompleted(request, outcome, seconds: MonotonicClock.now() - started, noted: noted)
            switch try decide(outcome, request: request, attempt: attempt, of: attempts) {
            case .done(let response): return response
            case .retry(let delay):
                guard MonotonicClock.sleep(delay, isCancelled: { host.isCancelled }) else { throw cancelled(request) }
                attempt += 1
            }
        }
    }

    /// Sends independent requests concurrently (at most `concurrency` at once, over the multi
    /// interface) and returns the final responses in the order of `requests`. An attempt that
    /// needs a retry is retried one request at a time through `send`.
    package func sendConcurrently(_ requests: [HTTPRequest], concurrency: Int) throws(PluginError) -> [HTTPResponse] {
        guard concurrency > 1, requests.count > 1, let multi else {
            var responses: [HTTPResponse] = []
            for request in requests { responses.append(try send(request)) }
            return responses
        }
        var authorised: [HTTPRequest] = []
        for request in requests { authorised.append(try self.authorised(request)) }
        var limiterCancelled = false
        let started = MonotonicClock.now()
        let outcomes = multi.perform(authorised, concurrency: concurrency, settings: settings, credentials: auth.credentials,
                                     isCancelled: { [host] in host.isCancelled }) {
            if let limiter, !limiter.acquire(isCancelled: { host.isCancelled }) { limiterCancelled = true }
        }
        if limiterCancelled { throw cancelled(requests[0]) }
        let seconds = MonotonicClock.now() - started
        for (request, outcome) in zip(requests, outcomes) { logCompleted(request, outcome, seconds: seconds, concurrent: true) }
        var responses: [HTTPResponse] = []
        for (index, outcome) in outcomes.enumerated() {
            // A refused token goes through `send`, which fetches a new one.
            if case .response(let response) = outcome, !Self.isRetryable(status: response.status),
               !(response.status == 401 && tokens != nil) {
                responses.append(response)
            } else if case .cancelled = outcome {
                throw cancelled(requests[index])
            } else {
                responses.append(try send(requests[index]))
            }
        }
        return responses
    }

    private enum Decision {
        case done(HTTPResponse)
        case retry(after: Double)
    }

    private func decide(_ outcome: TransferOutcome, request: HTTPRequest, attempt: Int, of attempts: Int) throws(PluginError) -> Decision {
        switch outcome {
        case .cancelled:
            throw cancelled(request)
        case .failure(let message, let retryable):
            guard retryable, attempt < attempts else {
                let hint = retryable ? "check that the server is reachable, or raise timeout_seconds / retries"
                    : "check base_url, verify_tls and ca_bundle"
                throw .ioError(scrub("\(display(request)) failed after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(message); \(hint)"))
            }
            let delay = RetryDelay.backoff(attempt: attempt, base: settings.retryBaseSeconds, cap: settings.retryMaxSeconds)
            host.warning(scrub("\(display(request)) attempt \(attempt) of \(attempts) failed (\(message)); retrying in \(Self.seconds(delay))"))
            return .retry(after: delay)
        case .response(let response):
            guard Self.isRetryable(status: response.status), attempt < attempts else { return .done(response) }
            var delay = RetryDelay.backoff(attempt: attempt, base: settings.retryBaseSeconds, cap: settings.retryMaxSeconds)
            if response.status == 429 || response.status == 503, let value = response.header("retry-after"),
               let asked = RetryDelay.retryAfter(value, now: MonotonicClock.wallSeconds()) {
                delay = min(settings.retryMaxSeconds, asked)
            }
            host.warning(scrub("\(display(request)) answered HTTP \(response.status) (attempt \(attempt) of \(attempts)); retrying in \(Self.seconds(delay))"))
            return .retry(after: delay)
        }
    }

    /// One debug line per completed attempt: method, URL without secrets, status, bytes and time.
    private func logCompleted(_ request: HTTPRequest, _ outcome: TransferOutcome, seconds: Double, concurrent: Bool = false, noted: Bool = true) {
        let result: String
        switch outcome {
        case .response(let response): result = "HTTP \(response.status), \(response.body.count) bytes"
        case .failure(let message, _): result = "failed: \(message)"
        case .cancelled: result = "cancelled"
        }
        let time = concurrent ? "in a concurrent round of \(Self.seconds(seconds))" : "in \(Self.seconds(seconds))"
        let note = noted ? requestNote.map { "; \($0)" } ?? "" : ""
        host.debug(scrub("\(display(request)): \(result) \(time)\(note)"))
    }

    private func waitForRateLimit(_ request: HTTPRequest) throws(PluginError) {
        guard let limiter else { return }
        guard limiter.acquire(isCancelled: { host.isCancelled }) else { throw cancelled(request) }
    }

    private func cancelled(_ request: HTTPRequest) -> PluginError {
        .cancelled(scrub("\(display(request)) stopped because the host asked to cancel the run"))
    }

    /// 429, 408 and 5xx may succeed later; every other status is final.
    package static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500..<600).contains(status)
    }

    private static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        return "\(milliseconds / 1000).\(String(milliseconds % 1000).leftPadded(to: 3)) s"
    }
}

extension String {
    /// The text with leading zeros up to `width` characters.
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
