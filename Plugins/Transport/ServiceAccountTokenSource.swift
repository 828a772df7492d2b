import ETLPluginKit
import ETLJSON

/// Access tokens for a Google service account (RFC 7523's JWT bearer grant, as Google's
/// "OAuth 2.0 for server to server applications" describes it): a JWT naming the account
/// (`iss`), the storage scope and the token endpoint (`aud`), valid for an hour and signed RS256
/// with the key file's private key (`OpenSSLCrypto`), is POSTed to the key's `token_uri`; the
/// answer's `access_token` is used until a minute before `expires_in` runs out, then a new one
/// is asked for. Neither the key nor a token ever reaches a message.
final class ServiceAccountTokenSource {
    /// Read and write to objects: what the sources and the sinks need, no administration.
    static let scope = "https://www.googleapis.com/auth/devstorage.read_write"

    private let key: ServiceAccountKey
    private let client: HTTPClientSettings
    private let isCancelled: () -> Bool
    private var current: (token: String, expires: Double)?
    private let scrubber: SecretScrubber

    init(key: ServiceAccountKey, client: HTTPClientSettings, isCancelled: @escaping () -> Bool) {
        self.key = key
        self.client = client
        self.isCancelled = isCancelled
        scrubber = SecretScrubber(secrets: key.secrets)
    }

    /// A valid access token, fetched when there is none or it is about to expire.
    /// - Throws: `ETL_INVALID_CONFIG` when the endpoint refuses the key, `ETL_IO_ERROR` when it
    ///   cannot be reached.
    func token() throws(PluginError) -> String {
        let now = MonotonicClock.now()
        if let current, current.expires - 60 > now { return current.token }
        let assertion = try signedAssertion(issuedAt: Int64(MonotonicClock.wallSeconds()))
        let form = "grant_type=" + URLText.encode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + assertion
        let request = HTTPRequest(method: "POST", location: key.tokenURI, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                  body: Array(form.utf8))
        let easy = try CurlEasy()
        var attempt = 1
        while true {
            switch easy.perform(request, settings: client, credentials: nil, isCancelled: isCancelled) {
            case .cancelled:
                throw .cancelled("the service-account token request to \(key.tokenURI) stopped because the host asked to cancel the run")
            case .failure(let message, let retryable):
                guard retryable, attempt <= client.retries else {
                    throw .ioError("\(key.origin): the token endpoint \(key.tokenURI) could not be reached (\(message)); check the network or the key's token_uri")
                }
            case .response(let response):
                if response.isSuccess {
                    return try accept(response, requestedAt: now)
                }
                guard HTTPClient.isRetryable(status: response.status), attempt <= client.retries else {
                    throw .invalidConfig(scrubber.scrub("\(key.origin): the token endpoint \(key.tokenURI) refused the service account \(key.clientEmail) with HTTP \(response.status) (\(response.excerpt(limit: 200))); check that the key is current and not disabled"))
                }
            }
            _ = MonotonicClock.sleep(RetryDelay.backoff(attempt: attempt, base: client.retryBaseSeconds, cap: client.retryMaxSeconds), isCancelled: isCancelled)
            attempt += 1
        }
    }

    /// The JWT: base64url(header) "." base64url(claims) "." base64url(RS256 signature).
    func signedAssertion(issuedAt: Int64) throws(PluginError) -> String {
        var header: [(String, JSONValue)] = [("alg", .string("RS256")), ("typ", .string("JWT"))]
        if let kid = key.privateKeyID { header.append(("kid", .string(kid))) }
        let claims: [(String, JSONValue)] = [
            ("iss", .string(key.clientEmail)), ("scope", .string(Self.scope)), ("aud", .string(key.tokenURI)),
            ("iat", .number(JSONNumber(issuedAt))), ("exp", .number(JSONNumber(issuedAt + 3600))),
        ]
        let signingInput = Base64Text.encodeURLSafe(Array(Self.json(header).utf8)) + "." + Base64Text.encodeURLSafe(Array(Self.json(claims).utf8))
        let signature = try OpenSSLCrypto.rs256Signature(Array(signingInput.utf8), pem: key.privateKeyPEM, keyOrigin: key.origin)
        return signingInput + "." + Base64Text.encodeURLSafe(signature)
    }

    private static func json(_ members: [(String, JSONValue)]) -> String {
        "{" + members.map { JSONValue.string($0.0).serialized() + ":" + $0.1.serialized() }.joined(separator: ",") + "}"
    }

    private func accept(_ response: HTTPResponse, requestedAt: Double) throws(PluginError) -> String {
        let object: PluginConfig
        do throws(PluginError) {
            object = try PluginConfig(parsing: String(decoding: response.body, as: UTF8.self), path: "token response")
        } catch {
            throw .ioError("\(key.origin): the token endpoint \(key.tokenURI) answered something that is not a JSON object")
        }
        guard let token = try? object.optionalString("access_token"), !token.isEmpty else {
            throw .ioError("\(key.origin): the token endpoint \(key.tokenURI) answered without an access_token")
        }
        let lifetime = ((try? object.optionalDouble("expires_in")) ?? nil) ?? 3600
        current = (token, requestedAt + lifetime)
        return token
    }
}
