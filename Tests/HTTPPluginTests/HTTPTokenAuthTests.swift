import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// OAuth 2.0 (client credentials, refresh token) and login tokens: fetched when the first
/// request needs them, renewed before they expire and once after a 401, never looping, and
/// never shown in a message.
final class HTTPTokenAuthTests: XCTestCase {
    private static let secret = "cl1ent-S3CRET-never-print"
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(token: Self.secret, tasks: 100)
        setenv("OAUTH_TEST_CLIENT_ID", "etl-client", 1)
        setenv("OAUTH_TEST_SECRET", Self.secret, 1)
        setenv("OAUTH_TEST_REFRESH", "\(Self.secret)-refresh", 1)
        setenv("OAUTH_TEST_WRONG_SECRET", "wrong-S3CRET-value", 1)
        setenv("LOGIN_TEST_PASSWORD", Self.secret, 1)
    }

    override func tearDown() {
        server = nil
    }

    private var clientCredentials: [String: Any] {
        ["type": "oauth2_client_credentials", "token_url": "\(server.baseURL)/oauth/token",
         "client_id_env": "OAUTH_TEST_CLIENT_ID", "client_secret_env": "OAUTH_TEST_SECRET", "scope": "tasks:read"]
    }

    private func source(auth: [String: Any], pageSize: Int = 10, query: [String: String] = [:]) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: [
            "path": "/oauth/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns, "query": query,
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": pageSize],
        ], extra: ["auth": auth])
    }

    func testClientCredentialsTokenIsFetchedOnceForEveryPage() throws {
        let result = try source(auth: clientCredentials).readAll()
        XCTAssertEqual(result.ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.issued, 1)
        XCTAssertEqual(stats.served, 11, "10 full pages and the empty one that ends the read")
        XCTAssertEqual(stats.grants.first?["grant_type"] as? String, "client_credentials")
        XCTAssertEqual(stats.grants.first?["client_auth"] as? String, "basic", "RFC 6749 2.3.1: HTTP Basic by default")
        XCTAssertEqual(stats.grants.first?["scope"] as? String, "tasks:read")
    }

    func testClientSecretGoesInTheFormWhenClientAuthIsBody() throws {
        var auth = clientCredentials
        auth["client_auth"] = "body"
        auth["audience"] = "https://api.example.com"
        XCTAssertEqual(try source(auth: auth).readAll().ids.count, 100)
        let grant = try XCTUnwrap(try server.tokenStats().grants.first)
        XCTAssertEqual(grant["client_auth"] as? String, "body")
        XCTAssertEqual(grant["audience"] as? String, "https://api.example.com")
    }

    func testTokenIsRenewedBeforeItExpires() throws {
        // Tokens live 2 s and are replaced 0.5 s before that; 11 pages of 0.25 s take 2.75 s.
        try server.configureTokens(expiresIn: 2)
        let result = try source(auth: clientCredentials, query: ["delay": "0.25"]).readAll()
        XCTAssertEqual(result.ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertGreaterThanOrEqual(stats.issued, 2)
        XCTAssertEqual(stats.refused, 0, "a token is replaced before it lapses, not after the API refuses it")
    }

    func testRefusedTokenIsReplacedOnceAndTheReadGoesOn() throws {
        // The server revokes each token after 4 requests, long before it expires.
        try server.configureTokens(requestsPerToken: 4)
        let result = try source(auth: clientCredentials).readAll()
        XCTAssertEqual(result.ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.served, 11)
        XCTAssertEqual(stats.refused, 2)
        XCTAssertEqual(stats.issued, 3)
    }

    func testRefusedTokensAreReplacedWhenPagesAreFetchedConcurrently() throws {
        try server.configureTokens(requestsPerToken: 3)
        let source = try HTTPTestPlugin.source(server, stream: [
            "path": "/oauth/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
            "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 10, "total_path": "$.total"],
        ], extra: ["auth": clientCredentials, "max_concurrency": 4])
        XCTAssertEqual(try source.readAll().ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.served, 10)
        XCTAssertGreaterThan(stats.refused, 0, "some concurrent pages met a used-up token")
    }

    func testTokenRefusedAgainAfterARenewalFailsWithoutLooping() throws {
        try server.configureTokens(refuseAll: true)
        let source = try source(auth: clientCredentials)
        assertFails(["read failed (invalid config)", "/oauth/tasks", "HTTP 401", "even with a newly fetched token"], absent: [Self.secret, "mock-access-token"]) {
            _ = try source.readAll()
        }
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.issued, 2, "one token, then exactly one renewal")
        XCTAssertEqual(stats.refused, 2)
    }

    func testWrongClientSecretQuotesTheTokenEndpointAndHidesTheSecret() throws {
        var auth = clientCredentials
        auth["client_secret_env"] = "OAUTH_TEST_WRONG_SECRET"
        let source = try source(auth: auth)
        assertFails(["read failed (invalid config)", "POST \(server.baseURL)/oauth/token", "client_credentials grant", "HTTP 401",
                     "invalid_client: client authentication failed", "client_secret_env (OAUTH_TEST_WRONG_SECRET)"],
                    absent: ["wrong-S3CRET-value", Self.secret]) {
            _ = try source.readAll()
        }
        XCTAssertEqual(try requestCount(server, prefix: "/oauth/tasks"), 0, "no data request without a token")
    }

    func testUnsetClientSecretVariableIsAConfigErrorNamingIt() throws {
        unsetenv("OAUTH_TEST_UNSET")
        var auth = clientCredentials
        auth["client_secret_env"] = "OAUTH_TEST_UNSET"
        assertFails(["config.auth.client_secret_env", "OAUTH_TEST_UNSET", "not set"]) { _ = try source(auth: auth) }
    }

    func testRotatedRefreshTokenIsUsedForTheNextRefresh() throws {
        // Each refresh revokes the refresh token it used: the second refresh only works with
        // the token the first one returned.
        try server.configureTokens(requestsPerToken: 4, rotateRefreshTokens: true)
        let auth: [String: Any] = [
            "type": "oauth2_refresh_token", "token_url": "\(server.baseURL)/oauth/token",
            "client_id_env": "OAUTH_TEST_CLIENT_ID", "client_secret_env": "OAUTH_TEST_SECRET", "refresh_token_env": "OAUTH_TEST_REFRESH",
        ]
        let result = try source(auth: auth).readAll()
        XCTAssertEqual(result.ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.issued, 3)
        XCTAssertEqual(stats.grants.map { $0["grant_type"] as? String }, Array(repeating: "refresh_token", count: 3))
    }

    func testRevokedRefreshTokenSaysWhichVariableToRenew() throws {
        setenv("OAUTH_TEST_OLD_REFRESH", "revoked-refresh-token", 1)
        let auth: [String: Any] = [
            "type": "oauth2_refresh_token", "token_url": "\(server.baseURL)/oauth/token",
            "client_id_env": "OAUTH_TEST_CLIENT_ID", "refresh_token_env": "OAUTH_TEST_OLD_REFRESH",
        ]
        let source = try source(auth: auth)
        assertFails(["HTTP 400", "invalid_grant: the refresh token is invalid, expired or revoked", "refresh_token_env (OAUTH_TEST_OLD_REFRESH)"],
                    absent: ["revoked-refresh-token"]) {
            _ = try source.readAll()
        }
    }

    private var login: [String: Any] {
        ["type": "login", "url": "/login", "body": ["username": "etl"], "body_env": ["password": "LOGIN_TEST_PASSWORD"],
         "token_path": "$.data.token"]
    }

    func testLoginResponseTokenAuthenticatesAndIsRenewedAfterA401() throws {
        try server.configureTokens(requestsPerToken: 6)
        let result = try source(auth: login).readAll()
        XCTAssertEqual(result.ids, Array(1...100))
        let stats = try server.tokenStats()
        XCTAssertEqual(stats.issued, 2)
        XCTAssertEqual(stats.refused, 1)
        XCTAssertEqual(try requestCount(server, prefix: "/login"), 2)
    }

    func testWrongLoginPasswordFailsWithoutPrintingIt() throws {
        setenv("LOGIN_TEST_WRONG", "wrong-PASSWORD-value", 1)
        var auth = login
        auth["body_env"] = ["password": "LOGIN_TEST_WRONG"]
        let source = try source(auth: auth)
        assertFails(["read failed (invalid config)", "the login request POST \(server.baseURL)/login answered HTTP 401", "body_env"],
                    absent: ["wrong-PASSWORD-value"]) {
            _ = try source.readAll()
        }
    }

    func testLoginTokenPathMustBeMemberNames() throws {
        var auth = login
        auth["token_path"] = "data.token"
        assertFails(["config.auth.token_path", "member names from $"]) { _ = try source(auth: auth) }
    }

    func testTokensNeverAppearInLogsOrErrors() throws {
        try server.configureTokens(requestsPerToken: 3)
        let source = try source(auth: clientCredentials)
        let logs = try OutputCapture.run { _ = try source.readAll() }
        XCTAssertTrue(logs.contains("HTTP 401"), "the renewal should be logged: \(logs)")
        XCTAssertFalse(logs.contains("mock-access-token"), logs)
        XCTAssertFalse(logs.contains(Self.secret), logs)
    }
}
