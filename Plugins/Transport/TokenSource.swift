import ETLPluginKit

/// The bearer token of an OAuth 2.0 grant or a login request: fetched when the first request
/// needs it, fetched again shortly before it expires and after the API refused it (401).
///
/// A refresh token the token endpoint rotates (sends a new one with the access token) replaces
/// the configured one for the rest of this process only: it is not written anywhere, so the
/// next run starts again from the environment variable's value.
final class TokenSource {
    /// How a token is got.
    enum Grant: Sendable {
        case oauth2(OAuth2Grant)
        case login(LoginGrant)
    }

    private let grant: Grant
    private var token: String?
    /// Monotonic seconds after which the token is fetched anew; nil: until the API refuses it.
    private var renewAt: Double?
    private var refreshToken: String?
    /// Every token and refresh token seen, to scrub from messages.
    private(set) var issuedSecrets: [String] = []

    init(_ grant: Grant) {
        self.grant = grant
        if case .oauth2(let oauth) = grant { refreshToken = oauth.refreshToken }
    }

    /// The header that authenticates a request, fetching a token first when there is none or
    /// it is about to expire. `send` sends a request with retries but without authentication.
    func header(send: (HTTPRequest, BasicCredentials?) throws(PluginError) -> HTTPResponse) throws(PluginError) -> (name: String, value: String) {
        if let renewAt, MonotonicClock.now() >= renewAt { token = nil }
        let current: String
        if let token {
            current = token
        } else {
            current = try fetch(send: send)
        }
        switch grant {
        case .oauth2: return ("Authorization", "Bearer \(current)")
        case .login(let login): return (login.header, login.prefix + current)
        }
    }

    /// Forgets the token after the API refused it, so that the next request fetches a new one.
    func discard() {
        token = nil
        renewAt = nil
    }

    /// How long before its expiry a token is replaced: 30 seconds, or a quarter of its
    /// lifetime when that is shorter, so a request never leaves with a token about to lapse.
    static func renewalMargin(lifetime: Double) -> Double {
        min(30, lifetime / 4)
    }

    private func fetch(send: (HTTPRequest, BasicCredentials?) throws(PluginError) -> HTTPResponse) throws(PluginError) -> String {
        let started = MonotonicClock.now()
        let fetched: (token: String, lifetime: Double?)
        switch grant {
        case .oauth2(let oauth):
            let (request, credentials) = oauth.request(refreshToken: refreshToken)
            let response = try send(request, credentials)
            let answer = try TokenResponse.oauth2(response, grant: oauth, target: Self.target(request), scrub: scrub)
            if let rotated = answer.refreshToken {
                refreshToken = rotated
                issuedSecrets.append(rotated)
            }
            fetched = (answer.accessToken, answer.lifetime)
        case .login(let login):
            let request = login.request()
            let response = try send(request, nil)
            fetched = (try TokenResponse.login(response, grant: login, target: Self.target(request), scrub: scrub), nil)
        }
        issuedSecrets.append(fetched.token)
        token = fetched.token
        renewAt = fetched.lifetime.map { started + $0 - Self.renewalMargin(lifetime: $0) }
        return fetched.token
    }

    private static func target(_ request: HTTPRequest) -> String {
        "\(request.method) \(request.displayURL(hiding: HTTPAuth.usualSecretNames))"
    }

    /// Hides the tokens seen so far and the grant's own secrets.
    private func scrub(_ text: String) -> String {
        SecretScrubber(secrets: issuedSecrets + grantSecrets).scrub(text)
    }

    /// The secrets the grant was configured with.
    var grantSecrets: [String] {
        switch grant {
        case .oauth2(let oauth): return oauth.secrets
        case .login(let login): return login.secrets
        }
    }
}
