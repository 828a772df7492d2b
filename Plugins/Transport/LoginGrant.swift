import ETLPluginKit

/// A login request whose answer carries the token for every later request (APIs that hand out
/// session tokens rather than OAuth 2.0):
///
/// `{"type": "login", "url": "/login", "body": {"username": "etl"}, "body_env": {"password":
/// "API_PASSWORD"}, "token_path": "$.data.token", "header": "Authorization", "prefix": "Bearer "}`
///
/// The body is JSON: `body` holds the plain fields, `body_env` the secret ones, each naming the
/// environment variable its value comes from (so the manifest never holds the secret, and the
/// runtime knows the value is one to hide).
package struct LoginGrant: Sendable {
    package var method: String
    /// The login URL: `url` itself when absolute, else `url` under `base_url`.
    package var url: String
    /// The JSON body, secrets included.
    package var body: JSONObject
    /// Member names from `$` to the token in the answer.
    package var tokenPath: [String]
    /// Where the token goes in every later request, and what precedes it.
    package var header: String
    package var prefix: String
    private var bodySecrets: [String]

    /// The `auth` keys of type `login`.
    static let keys: Set<String> = ["type", "url", "method", "body", "body_env", "token_path", "header", "prefix"]

    /// Reads `config.auth` of type `login`; a relative `url` is joined to `baseURL`.
    init(_ auth: PluginConfig, baseURL: String?) throws(PluginError) {
        try auth.rejectUnknownKeys(allowed: Self.keys)
        let target = try auth.string("url")
        if target.hasPrefix("https://") || target.hasPrefix("http://") {
            url = target
        } else if let baseURL {
            url = URLText.join(baseURL, target)
        } else {
            throw .invalidConfig("\(auth.path).url \"\(target)\" is a path but there is no base_url to put it under; give an absolute http(s) URL")
        }
        method = try auth.string("method", default: "POST").uppercased()
        guard ["POST", "PUT"].contains(method) else {
            throw .invalidConfig("\(auth.path).method \"\(method)\" is not supported for a login, which sends its credentials in a JSON body; use \"POST\" (the default) or \"PUT\"")
        }
        body = try auth.optionalObject("body")?.members ?? JSONObject()
        bodySecrets = []
        if let references = try auth.optionalObject("body_env") {
            for member in references.members.members {
                let at = "\(auth.path).body_env.\(member.key)"
                guard case .string(let variable) = member.value else {
                    throw .invalidConfig("\(at) must name an environment variable (found \(member.value.kindDescription))")
                }
                let value = try HTTPAuth.secret(variable: variable, at: at)
                if body[member.key] != nil {
                    throw .invalidConfig("\(auth.path).body and body_env both set \"\(member.key)\"; keep it in one of them")
                }
                body[member.key] = .string(value)
                bodySecrets.append(value)
            }
        }
        let path = try auth.string("token_path", default: "$.token")
        tokenPath = try Self.memberNames(path, at: "\(auth.path).token_path")
        header = try auth.string("header", default: "Authorization")
        prefix = try auth.string("prefix", default: header.lowercased() == "authorization" ? "Bearer " : "")
    }

    /// The login request.
    func request() -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url)
        request.headers = [("Accept", "application/json"), ("Content-Type", "application/json")]
        request.body = Array(JSONValue.object(body).serialized().utf8)
        return request
    }

    /// The secrets to scrub from messages.
    var secrets: [String] { bodySecrets }

    /// `$.data.token` → ["data", "token"]: a path of member names, all a token needs.
    private static func memberNames(_ path: String, at where: String) throws(PluginError) -> [String] {
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard names.count >= 2, names[0] == "$", !names.dropFirst().contains(where: \.isEmpty) else {
            throw .invalidConfig("\(`where`) \"\(path)\" must be member names from $ such as \"$.token\" or \"$.data.access_token\"")
        }
        return Array(names.dropFirst())
    }
}
