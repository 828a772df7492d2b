import ETLPluginKit

/// Reads the answer of a token endpoint or a login request, or turns it into an error that
/// says what the server said (RFC 6749 5.2 `error` and `error_description`) and what to check.
enum TokenResponse {
    /// What an OAuth 2.0 token endpoint granted (RFC 6749 5.1).
    struct OAuth2Answer {
        var accessToken: String
        /// `expires_in` in seconds, nil when the server does not say.
        var lifetime: Double?
        /// A new refresh token, when the server rotates them.
        var refreshToken: String?
    }

    static func oauth2(_ response: HTTPResponse, grant: OAuth2Grant, target: String, scrub: (String) -> String) throws(PluginError) -> OAuth2Answer {
        let what = "the token endpoint \(target) (\(grant.kind.rawValue) grant)"
        guard response.isSuccess else {
            throw refusal(response, what: what, hint: grant.credentialsHint, scrub: scrub)
        }
        guard case .object(let answer)? = try? JSONValue(parsing: String(decoding: response.body, as: UTF8.self)) else {
            throw .badData(scrub("\(what) answered HTTP \(response.status) without a JSON object: \(response.excerpt())"))
        }
        guard case .string(let token)? = answer["access_token"], !token.isEmpty else {
            throw .badData("\(what) answered without an access_token; check config.auth.token_url")
        }
        if case .string(let type)? = answer["token_type"], type.lowercased() != "bearer" {
            throw .unsupported("\(what) issued a token of type \"\(type)\"; only bearer tokens (RFC 6750) are supported")
        }
        var lifetime: Double?
        switch answer["expires_in"] {
        case .number(let number)?: lifetime = Double(number.text)
        case .string(let text)?: lifetime = Double(text)
        default: lifetime = nil
        }
        var refreshToken: String?
        if case .string(let rotated)? = answer["refresh_token"], !rotated.isEmpty { refreshToken = rotated }
        return OAuth2Answer(accessToken: token, lifetime: lifetime.flatMap { $0 > 0 ? $0 : nil }, refreshToken: refreshToken)
    }

    static func login(_ response: HTTPResponse, grant: LoginGrant, target: String, scrub: (String) -> String) throws(PluginError) -> String {
        let what = "the login request \(target)"
        guard response.isSuccess else {
            throw refusal(response, what: what, hint: "check config.auth.body and the variables named in body_env", scrub: scrub)
        }
        guard var value = try? JSONValue(parsing: String(decoding: response.body, as: UTF8.self)) else {
            throw .badData(scrub("\(what) answered HTTP \(response.status) without JSON: \(response.excerpt())"))
        }
        for name in grant.tokenPath {
            guard case .object(let object) = value, let member = object[name] else {
                throw .badData("\(what) answered without a token at $.\(grant.tokenPath.joined(separator: ".")); check config.auth.token_path")
            }
            value = member
        }
        guard case .string(let token) = value, !token.isEmpty else {
            throw .badData("\(what) answered \(value.kindDescription) at $.\(grant.tokenPath.joined(separator: ".")), not a token string; check config.auth.token_path")
        }
        return token
    }

    /// A refused token request: the server's `error` and `error_description` quoted. A 4xx is
    /// the configuration's to fix (wrong secret, revoked refresh token, wrong URL); 5xx and 429
    /// arrive here only after every retry, so they are I/O errors another run may get past.
    private static func refusal(_ response: HTTPResponse, what: String, hint: String, scrub: (String) -> String) -> PluginError {
        var said = response.excerpt()
        if case .object(let body)? = try? JSONValue(parsing: String(decoding: response.body, as: UTF8.self)),
           case .string(let code)? = body["error"] {
            said = code
            if case .string(let description)? = body["error_description"] { said += ": \(description)" }
        }
        let message = scrub("\(what) answered HTTP \(response.status): \(said)")
        if (400..<500).contains(response.status), response.status != 429, response.status != 408 {
            return .invalidConfig("\(message); \(hint)")
        }
        return .ioError("\(message); the server may recover, try again later")
    }
}
