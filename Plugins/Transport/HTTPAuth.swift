import ETLPluginKit

/// How requests authenticate, with the secret read from the environment when the instance is
/// created: the config names variables, never holds a secret itself.
///
/// - `{"type": "bearer", "token_env": "API_TOKEN"}` → `Authorization: Bearer <token>`
/// - `{"type": "basic", "username_env": "U", "password_env": "P"}` → HTTP Basic
/// - `{"type": "api_key", "key_env": "K", "header": "X-API-Key"}` or `"query_param": "api_key"`
/// - `{"type": "oauth2_client_credentials", "token_url": ..., "client_id_env": ..., "client_secret_env": ...}`
///   and `{"type": "oauth2_refresh_token", ..., "refresh_token_env": ...}` (see `OAuth2Grant`)
/// - `{"type": "login", "url": "/login", "body_env": {"password": "P"}, "token_path": "$.token"}`
///   (see `LoginGrant`)
///
/// The last three get a token over HTTP when the first request needs it (see `TokenSource`).
package enum HTTPAuth: Sendable {
    /// No authentication.
    case none
    /// A bearer token.
    case bearer(token: String)
    /// HTTP Basic.
    case basic(BasicCredentials)
    /// An API key in a header.
    case apiKeyHeader(name: String, key: String)
    /// An API key in a query parameter.
    case apiKeyQuery(name: String, key: String)
    /// A bearer token from an OAuth 2.0 token endpoint.
    case oauth2(OAuth2Grant)
    /// A token from a login request.
    case login(LoginGrant)

    /// The JSON Schema of the `auth` object, shared by the source's and the sink's schemas.
    package static let schema = #"""
    {
      "type": "object",
      "description": "Authentication, with secrets read from environment variables: {\"type\": \"bearer\", \"token_env\": \"API_TOKEN\"}, {\"type\": \"basic\", \"username_env\": ..., \"password_env\": ...}, {\"type\": \"api_key\", \"key_env\": ..., \"header\": \"X-API-Key\"} or {\"type\": \"api_key\", \"key_env\": ..., \"query_param\": \"api_key\"}; OAuth 2.0 {\"type\": \"oauth2_client_credentials\", \"token_url\": ..., \"client_id_env\": ..., \"client_secret_env\": ...} or {\"type\": \"oauth2_refresh_token\", \"token_url\": ..., \"client_id_env\": ..., \"refresh_token_env\": ...}; or a login request {\"type\": \"login\", \"url\": \"/login\", \"body\": {...}, \"body_env\": {\"password\": \"API_PASSWORD\"}, \"token_path\": \"$.token\"}.",
      "properties": {
        "type": { "enum": ["none", "bearer", "basic", "api_key", "oauth2_client_credentials", "oauth2_refresh_token", "login"] },
        "token_env": { "type": "string", "minLength": 1 },
        "username_env": { "type": "string", "minLength": 1 },
        "password_env": { "type": "string", "minLength": 1 },
        "key_env": { "type": "string", "minLength": 1 },
        "header": { "type": "string", "minLength": 1 },
        "query_param": { "type": "string", "minLength": 1 },
        "token_url": { "type": "string", "minLength": 1 },
        "client_id_env": { "type": "string", "minLength": 1 },
        "client_secret_env": { "type": "string", "minLength": 1 },
        "refresh_token_env": { "type": "string", "minLength": 1 },
        "scope": { "type": "string", "minLength": 1 },
        "audience": { "type": "string", "minLength": 1 },
        "client_auth": { "enum": ["basic", "body"] },
        "url": { "type": "string", "minLength": 1 },
        "method": { "enum": ["POST", "PUT"] },
        "body": { "type": "object" },
        "body_env": { "type": "object", "additionalProperties": { "type": "string", "minLength": 1 } },
        "token_path": { "type": "string", "minLength": 3 },
        "prefix": { "type": "string" }
      },
      "required": ["type"],
      "additionalProperties": false
    }
    """#

    /// Reads `config.auth` (absent means none); a login `url` that is a path goes under `config.base_url`.
    /// - Throws: `ETL_INVALID_CONFIG` naming a missing key or an unset environment variable
    ///   (the variable's name, never a value).
    package init(_ config: PluginConfig) throws(PluginError) {
        guard let auth = try config.optionalObject("auth") else {
            self = .none
            return
        }
        func secret(_ key: String) throws(PluginError) -> String {
            try Self.secret(variable: try auth.string(key), at: "\(auth.path).\(key)")
        }
        let staticKeys: Set<String> = ["type", "token_env", "username_env", "password_env", "key_env", "header", "query_param"]
        switch try auth.string("type") {
        case "oauth2_client_credentials":
            self = .oauth2(try OAuth2Grant(auth, kind: .clientCredentials, secret: secret))
        case "oauth2_refresh_token":
            self = .oauth2(try OAuth2Grant(auth, kind: .refreshToken, secret: secret))
        case "login":
            self = .login(try LoginGrant(auth, baseURL: try config.optionalString("base_url")))
        case "none":
            try auth.rejectUnknownKeys(allowed: staticKeys)
            self = .none
        case "bearer":
            try auth.rejectUnknownKeys(allowed: staticKeys)
            self = .bearer(token: try secret("token_env"))
        case "basic":
            try auth.rejectUnknownKeys(allowed: staticKeys)
            self = .basic(BasicCredentials(username: try secret("username_env"), password: try secret("password_env")))
        case "api_key":
            try auth.rejectUnknownKeys(allowed: staticKeys)
            let key = try secret("key_env")
            let header = try auth.optionalString("header")
            let parameter = try auth.optionalString("query_param")
            switch (header, parameter) {
            case (let header?, nil): self = .apiKeyHeader(name: header, key: key)
            case (nil, let parameter?): self = .apiKeyQuery(name: parameter, key: key)
            default:
                throw .invalidConfig("\(auth.path) of type api_key needs exactly one of \"header\" (e.g. \"X-API-Key\") or \"query_param\" (e.g. \"api_key\")")
            }
        case let other:
            throw .invalidConfig("\(auth.path).type \"\(other)\" is unknown; use \"bearer\", \"basic\", \"api_key\", \"oauth2_client_credentials\", \"oauth2_refresh_token\", \"login\" or \"none\"")
        }
    }

    /// The value of the environment variable `variable`, named by the config key at `path`.
    /// - Throws: `ETL_INVALID_CONFIG` when it is unset or empty (naming the variable, never a value).
    static func secret(variable: String, at path: String) throws(PluginError) -> String {
        guard let value = Environment.value(variable) else {
            throw .invalidConfig("\(path) names the environment variable \(variable), which is not set (or empty); export \(variable) before running")
        }
        return value
    }

    /// How a token-based `auth` gets its token, or nil for static credentials.
    var tokenGrant: TokenSource.Grant? {
        switch self {
        case .oauth2(let grant): return .oauth2(grant)
        case .login(let grant): return .login(grant)
        default: return nil
        }
    }

    /// True when the credentials are a token got over HTTP, refreshed after a 401.
    package var isTokenBased: Bool { tokenGrant != nil }

    /// Adds the credentials to a request (Basic goes through libcurl, see `credentials`).
    package func apply(to request: inout HTTPRequest) {
        switch self {
        // Token-based types are applied by the client, which owns the token (see `TokenSource`).
        case .none, .basic, .oauth2, .login: break
        case .bearer(let token): request.headers.append(("Authorization", "Bearer \(token)"))
        case .apiKeyHeader(let name, let key): request.headers.append((name, key))
        case .apiKeyQuery(let name, let key):
            // A `Link` header's next URL may already carry the key: send it once.
            request.query.removeAll { $0.name == name }
            request.query.append((name, key))
        }
    }

    /// The Basic credentials libcurl sends, if any.
    package var credentials: BasicCredentials? {
        if case .basic(let credentials) = self { return credentials }
        return nil
    }

    /// Query parameter names that must not appear in messages (lower-cased): the configured one
    /// and the usual names of keys and tokens, in case a user put a key into `query` directly.
    package var hiddenQueryNames: Set<String> {
        var names = Self.usualSecretNames
        if case .apiKeyQuery(let name, _) = self { names.insert(name.lowercased()) }
        return names
    }

    /// The usual names of query parameters that carry keys and tokens (lower-cased).
    static let usualSecretNames: Set<String> = [
        "api_key", "apikey", "key", "token", "access_token", "auth", "password", "secret", "signature", "sig",
        "client_secret", "refresh_token",
    ]

    /// The secret values, to scrub from any text that leaves the plugin.
    package var secrets: [String] {
        switch self {
        case .none: return []
        case .bearer(let token): return [token]
        case .basic(let credentials): return [credentials.password]
        case .apiKeyHeader(_, let key), .apiKeyQuery(_, let key): return [key]
        case .oauth2(let grant): return grant.secrets
        case .login(let grant): return grant.secrets
        }
    }
}
