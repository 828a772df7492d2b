import ETLPluginKit

/// How requests authenticate, with the secret read from the environment when the instance is
/// created: the config names variables, never holds a secret itself.
///
/// - `{"type": "bearer", "token_env": "API_TOKEN"}` → `Authorization: Bearer <token>`
/// - `{"type": "basic", "username_env": "U", "password_env": "P"}` → HTTP Basic
/// - `{"type": "api_key", "key_env": "K", "header": "X-API-Key"}` or `"query_param": "api_key"`
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

    /// The JSON Schema of the `auth` object, shared by the source's and the sink's schemas.
    package static let schema = #"""
    {
      "type": "object",
      "description": "Authentication, with secrets read from environment variables: {\"type\": \"bearer\", \"token_env\": \"API_TOKEN\"}, {\"type\": \"basic\", \"username_env\": ..., \"password_env\": ...}, {\"type\": \"api_key\", \"key_env\": ..., \"header\": \"X-API-Key\"} or {\"type\": \"api_key\", \"key_env\": ..., \"query_param\": \"api_key\"}.",
      "properties": {
        "type": { "enum": ["none", "bearer", "basic", "api_key"] },
        "token_env": { "type": "string", "minLength": 1 },
        "username_env": { "type": "string", "minLength": 1 },
        "password_env": { "type": "string", "minLength": 1 },
        "key_env": { "type": "string", "minLength": 1 },
        "header": { "type": "string", "minLength": 1 },
        "query_param": { "type": "string", "minLength": 1 }
      },
      "required": ["type"],
      "additionalProperties": false
    }
    """#

    /// Reads `config.auth` (absent means none).
    /// - Throws: `ETL_INVALID_CONFIG` naming a missing key or an unset environment variable
    ///   (the variable's name, never a value).
    package init(_ config: PluginConfig) throws(PluginError) {
        guard let auth = try config.optionalObject("auth") else {
            self = .none
            return
        }
        try auth.rejectUnknownKeys(allowed: ["type", "token_env", "username_env", "password_env", "key_env", "header", "query_param"])
        func secret(_ key: String) throws(PluginError) -> String {
            let variable = try auth.string(key)
            guard let value = Environment.value(variable) else {
                throw .invalidConfig("\(auth.path).\(key) names the environment variable \(variable), which is not set (or empty); export \(variable) before running")
            }
            return value
        }
        switch try auth.string("type") {
        case "none":
            self = .none
        case "bearer":
            self = .bearer(token: try secret("token_env"))
        case "basic":
            self = .basic(BasicCredentials(username: try secret("username_env"), password: try secret("password_env")))
        case "api_key":
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
            throw .invalidConfig("\(auth.path).type \"\(other)\" is unknown; use \"bearer\", \"basic\", \"api_key\" or \"none\"")
        }
    }

    /// Adds the credentials to a request (Basic goes through libcurl, see `credentials`).
    package func apply(to request: inout HTTPRequest) {
        switch self {
        case .none, .basic: break
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
        var names: Set<String> = ["api_key", "apikey", "key", "token", "access_token", "auth", "password", "secret", "signature", "sig"]
        if case .apiKeyQuery(let name, _) = self { names.insert(name.lowercased()) }
        return names
    }

    /// The secret values, to scrub from any text that leaves the plugin.
    package var secrets: [String] {
        switch self {
        case .none: return []
        case .bearer(let token): return [token]
        case .basic(let credentials): return [credentials.password]
        case .apiKeyHeader(_, let key), .apiKeyQuery(_, let key): return [key]
        }
    }
}
