import ETLPluginKit

/// An OAuth 2.0 grant (RFC 6749) the client runs to get its bearer token: client credentials
/// (section 4.4) or a refresh token (section 6). Every secret comes from an environment variable.
package struct OAuth2Grant: Sendable {
    /// Which grant the token request asks for.
    package enum Kind: String, Sendable {
        case clientCredentials = "client_credentials"
        case refreshToken = "refresh_token"
    }

    /// How the client identifies itself at the token endpoint (RFC 6749 section 2.3.1).
    package enum ClientAuthentication: String, Sendable {
        /// HTTP Basic with the client id and secret: what the RFC asks servers to support.
        case basic
        /// `client_id` and `client_secret` in the form body, for servers that want them there.
        case body
    }

    package var kind: Kind
    /// The token endpoint, an absolute http(s) URL.
    package var tokenURL: String
    package var clientID: String
    /// Nil for a public client (refresh-token grant without `client_secret_env`).
    package var clientSecret: String?
    /// The refresh token the first refresh uses (refresh-token grant only).
    package var refreshToken: String?
    package var scope: String?
    /// Sent as `audience` (Auth0, Okta and others name the API the token is for this way).
    package var audience: String?
    package var clientAuthentication: ClientAuthentication
    /// What to check when the endpoint refuses: the variables involved, by name.
    package var credentialsHint: String

    /// The `auth` keys of the two OAuth 2.0 types.
    static let keys: Set<String> = [
        "type", "token_url", "client_id_env", "client_secret_env", "refresh_token_env", "scope", "audience", "client_auth",
    ]

    /// Reads `config.auth` of type `oauth2_client_credentials` or `oauth2_refresh_token`.
    init(_ auth: PluginConfig, kind: Kind, secret: (String) throws(PluginError) -> String) throws(PluginError) {
        try auth.rejectUnknownKeys(allowed: kind == .clientCredentials ? Self.keys.subtracting(["refresh_token_env"]) : Self.keys)
        self.kind = kind
        tokenURL = try auth.string("token_url")
        guard tokenURL.hasPrefix("https://") || tokenURL.hasPrefix("http://") else {
            throw .invalidConfig("\(auth.path).token_url must be an absolute http:// or https:// URL (found \"\(URLText.removingUserInfo(tokenURL))\")")
        }
        clientID = try secret("client_id_env")
        switch kind {
        case .clientCredentials:
            clientSecret = try secret("client_secret_env")
            refreshToken = nil
        case .refreshToken:
            clientSecret = auth.contains("client_secret_env") ? try secret("client_secret_env") : nil
            refreshToken = try secret("refresh_token_env")
        }
        scope = try auth.optionalString("scope")
        audience = try auth.optionalString("audience")
        let method = try auth.string("client_auth", default: "basic")
        guard let clientAuthentication = ClientAuthentication(rawValue: method) else {
            throw .invalidConfig("\(auth.path).client_auth \"\(method)\" is unknown; use \"basic\" (HTTP Basic, the default) or \"body\" (client_id and client_secret in the form)")
        }
        self.clientAuthentication = clientAuthentication
        var variables = ["client_id_env (\(try auth.string("client_id_env")))"]
        if auth.contains("client_secret_env") { variables.append("client_secret_env (\(try auth.string("client_secret_env")))") }
        if kind == .refreshToken { variables.append("refresh_token_env (\(try auth.string("refresh_token_env")))") }
        credentialsHint = "check \(auth.path).token_url, client_auth and the values of \(variables.joined(separator: ", "))"
    }

    /// The token request: a form-encoded POST, with `refreshToken` as the current refresh token.
    func request(refreshToken current: String?) -> (request: HTTPRequest, credentials: BasicCredentials?) {
        var form: [(name: String, value: String)] = [("grant_type", kind.rawValue)]
        if kind == .refreshToken, let current { form.append(("refresh_token", current)) }
        if let scope { form.append(("scope", scope)) }
        if let audience { form.append(("audience", audience)) }
        var credentials: BasicCredentials?
        switch clientAuthentication {
        case .basic where clientSecret != nil:
            // RFC 6749 2.3.1: the id and secret are form-encoded before they go into Basic.
            credentials = BasicCredentials(username: URLText.encode(clientID), password: URLText.encode(clientSecret ?? ""))
        case .basic, .body:
            form.append(("client_id", clientID))
            if let clientSecret { form.append(("client_secret", clientSecret)) }
        }
        var request = HTTPRequest(method: "POST", url: tokenURL)
        request.headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        request.body = Array(URLText.encodeQuery(form).utf8)
        return (request, credentials)
    }

    /// The secrets to scrub from messages.
    var secrets: [String] { [clientSecret, refreshToken].compactMap { $0 } }
}
