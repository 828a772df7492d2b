import Foundation
import TestSupport
import XCTest

/// `serve` listens on loopback unless a token guards it; with a token, every request needs it,
/// by bearer header or by the cookie `?token=` sets.
final class ServeAccessTests: XCTestCase {
    func testAnAddressOffLoopbackIsRefusedWithoutAToken() throws {
        let workspace = try ReportWorkspace()
        // Refused before anything binds: no such address needs to exist here.
        let outcome = try workspace.etlRuntime(["serve", "--manifest", workspace.manifest, "--listen", "0.0.0.0:0"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--listen 0.0.0.0:0: not a loopback address, so a token is required"), outcome.stderr)
        let unset = try workspace.etlRuntime(["serve", "--manifest", workspace.manifest, "--token-env", "ETL_TEST_UNSET_TOKEN"])
        XCTAssertEqual(unset.status, 64, unset.stderr)
        XCTAssertTrue(unset.stderr.contains("--token-env ETL_TEST_UNSET_TOKEN: the variable is unset or empty"), unset.stderr)
        let malformed = try workspace.etlRuntime(["serve", "--manifest", workspace.manifest, "--listen", "127.0.0.1"])
        XCTAssertEqual(malformed.status, 64, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("expected HOST:PORT"), malformed.stderr)
    }

    func testAnAddressInUseIsReportedAndTheCommandExits() throws {
        let workspace = try ReportWorkspace()
        let first = try ServeProcess(workspace)
        defer { first.stop() }
        let port = try XCTUnwrap(first.url.split(separator: ":").last?.split(separator: "/").first)
        let second = try workspace.etlRuntime(["serve", "--manifest", workspace.manifest, "--listen", "127.0.0.1:\(port)"])
        XCTAssertEqual(second.status, 69, second.stderr)
        XCTAssertTrue(second.stderr.contains("serve: cannot listen on 127.0.0.1:\(port)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("Address already in use"), second.stderr)
        XCTAssertEqual(try first.get("tables").status, 200)
    }

    func testWithATokenEveryRequestNeedsItByHeaderOrCookie() throws {
        let workspace = try ReportWorkspace()
        let secret = "s3cret-token-value"
        let server = try ServeProcess(workspace, arguments: ["--token-env", "ETL_TEST_TOKEN"], environment: ["ETL_TEST_TOKEN": secret])
        defer { server.stop() }
        XCTAssertEqual(try server.get("").status, 401)
        XCTAssertEqual(try server.get("tables").status, 401)
        XCTAssertEqual(try server.get("tables", headers: ["Authorization: Bearer wrong"]).status, 401)
        XCTAssertEqual(try server.get("?token=wrong").status, 401)
        XCTAssertEqual(try server.get("tables", headers: ["Authorization: Bearer \(secret)"]).status, 200)
        // ?token= answers with the cookie and the same address without the token.
        let login = try server.get("tables?token=\(secret)")
        XCTAssertEqual(login.status, 303)
        XCTAssertTrue(login.headers.contains("Location: /tables\r\n"), login.headers)
        XCTAssertTrue(login.headers.contains("Set-Cookie: etl_token=\(secret); Path=/; HttpOnly; SameSite=Strict"), login.headers)
        XCTAssertEqual(try server.get("tables", headers: ["Cookie: etl_token=\(secret)"]).status, 200)
        // The redirect stays on this server, whatever path it was asked for.
        let elsewhere = try server.get("/evil.example/?token=\(secret)")
        XCTAssertEqual(elsewhere.status, 303)
        XCTAssertFalse(elsewhere.headers.contains("Location: //"), elsewhere.headers)
        // In a browser: the address with ?token= lands on the page itself.
        let page = try HeadlessChromium.dump(server.url + "?token=\(secret)")
        XCTAssertTrue(page.dom.contains("etl-runtime report"), page.dom)
        XCTAssertFalse(server.stderr.contains(secret), "the token reached the log")
    }
}
