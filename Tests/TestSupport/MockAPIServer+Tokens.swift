import Foundation

/// The mock's token issuer (`/oauth/token`, `/login`) and its token-protected `/oauth/tasks`.
/// The client id is `etl-client`; the client secret and the login password (user `etl`) are the
/// server's token; the first refresh token is the token followed by `-refresh`.
extension MockAPIServer {
    /// What the issuer did since the last `configureTokens`: tokens issued, requests to
    /// `/oauth/tasks` served and refused (401), and each token request's grant.
    public struct TokenStats {
        public var issued: Int
        public var served: Int
        public var refused: Int
        /// `grant_type`, `client_auth` ("basic" or "body"), `scope`, `audience` of each token request.
        public var grants: [[String: Any]]
    }

    /// Sets the issuer's rules and clears its tokens and counters: tokens live `expiresIn`
    /// seconds and serve at most `requestsPerToken` requests (nil: any number); `refuseAll`
    /// makes `/oauth/tasks` refuse every token; `rotateRefreshTokens` issues a new refresh token
    /// with each refresh and revokes the old one.
    public func configureTokens(expiresIn: Double = 3600, requestsPerToken: Int? = nil, refuseAll: Bool = false,
                                rotateRefreshTokens: Bool = false) throws {
        var settings: [String: Any] = ["expires_in": expiresIn, "refuse_all": refuseAll, "rotate_refresh_tokens": rotateRefreshTokens]
        if let requestsPerToken { settings["requests_per_token"] = requestsPerToken }
        _ = try control("POST", "/_control/oauth", body: try JSONSerialization.data(withJSONObject: settings))
    }

    /// The issuer's counters.
    public func tokenStats() throws -> TokenStats {
        let data = try control("GET", "/_control/oauth")
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "MockAPIServer: /_control/oauth did not answer a JSON object")
        }
        return TokenStats(issued: object["issued"] as? Int ?? -1, served: object["served"] as? Int ?? -1,
                          refused: object["refused"] as? Int ?? -1, grants: object["grants"] as? [[String: Any]] ?? [])
    }
}
