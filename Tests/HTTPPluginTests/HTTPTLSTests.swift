import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// TLS verification against the mock API served over real HTTPS on loopback, with a throwaway CA
/// made by the `openssl` command line for each test.
final class HTTPTLSTests: XCTestCase {
    private var certificates: TemporaryDirectory!
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        certificates = TemporaryDirectory("http-tls")
        try TLSFixture.makeAuthority(named: "ca", in: certificates)
        try TLSFixture.makeServerCertificate(signedBy: "ca", in: certificates)
        server = try MockAPIServer(tasks: 120, tls: (certificate: certificates.file("server.pem"),
                                                     key: certificates.file("server.key")))
    }

    override func tearDown() {
        server = nil
        certificates = nil
    }

    private func source(extra: [String: Any]) throws -> SourceInstance {
        try HTTPTestPlugin.source(server, stream: ["path": "/page/tasks", "records_path": "$.tasks", "columns": HTTPTestPlugin.columns,
                                                   "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 50]],
                                  extra: extra)
    }

    func testTheMockServesHTTPS() {
        XCTAssertTrue(server.baseURL.hasPrefix("https://127.0.0.1:"), server.baseURL)
    }

    func testCABundleTrustsTheServerAndEveryPageIsRead() throws {
        let result = try source(extra: ["ca_bundle": certificates.file("ca.pem")]).readAll()
        XCTAssertEqual(result.ids, Array(1...120))
        XCTAssertEqual(try requestCount(server, prefix: "/page/tasks"), 3)
        let handshakes = try server.handshakes()
        XCTAssertFalse(handshakes.isEmpty)
        XCTAssertTrue(handshakes.allSatisfy { $0["ok"] as? Bool == true }, "\(handshakes)")
    }

    func testWithoutCABundleTheUnknownIssuerFailsOnceNamingTheURLAndTheFix() throws {
        // Retries are configured on purpose: a certificate problem must not be retried anyway.
        let source = try source(extra: ["retries": 3])
        assertFails([server.baseURL + "/page/tasks", "SSL", "certificate", "after 1 attempt", "ca_bundle"]) {
            _ = try source.readAll()
        }
        let handshakes = try server.handshakes()
        XCTAssertEqual(handshakes.count, 1, "one handshake, no retries: \(handshakes)")
        XCTAssertEqual(handshakes.first?["ok"] as? Bool, false)
        XCTAssertEqual(try server.requests().count, 0, "no request may be sent over an unverified connection")
    }

    func testCABundleOfAnotherAuthorityIsRefused() throws {
        try TLSFixture.makeAuthority(named: "other-ca", in: certificates)
        let source = try source(extra: ["ca_bundle": certificates.file("other-ca.pem"), "retries": 3])
        assertFails([server.baseURL + "/page/tasks", "SSL", "certificate", "after 1 attempt"]) { _ = try source.readAll() }
        XCTAssertEqual(try server.handshakes().count, 1)
        XCTAssertEqual(try server.requests().count, 0)
    }

    func testHostNameOutsideTheCertificateIsRefusedEvenWithTheRightCABundle() throws {
        // The certificate names IP 127.0.0.1 only, so `localhost` must fail the host-name check.
        let url = server.baseURL.replacingOccurrences(of: "https://127.0.0.1:", with: "https://localhost:")
        let source = try source(extra: ["ca_bundle": certificates.file("ca.pem"), "base_url": url, "retries": 3])
        assertFails(["https://localhost:", "/page/tasks", "SSL", "after 1 attempt"]) { _ = try source.readAll() }
        XCTAssertEqual(try server.requests().count, 0)
    }

    func testVerifyTLSFalseReadsFromAnUntrustedServer() throws {
        let result = try source(extra: ["verify_tls": false]).readAll()
        XCTAssertEqual(result.ids, Array(1...120))
    }
}

/// Why `openssl` could not make a certificate.
private struct OpenSSLFailure: Error, CustomStringConvertible {
    var description: String
}

/// Certificates made with the `openssl` command line (Debian package `openssl`).
private enum TLSFixture {
    /// Writes a self-signed CA, `<name>.pem` and `<name>.key`, into `directory`.
    static func makeAuthority(named name: String, in directory: TemporaryDirectory) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", directory.file("\(name).key"), "-out", directory.file("\(name).pem"), "-days", "2",
                     "-subj", "/CN=etl-runtime test \(name)",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// Writes `server.pem` and `server.key`, a certificate for IP 127.0.0.1 issued by `authority`.
    static func makeServerCertificate(signedBy authority: String, in directory: TemporaryDirectory) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", directory.file("server.key"), "-out", directory.file("server.csr"), "-subj", "/CN=127.0.0.1"])
        let extensions = try directory.write("server.ext", """
            subjectAltName = IP:127.0.0.1
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth

            """)
        try openssl(["x509", "-req", "-in", directory.file("server.csr"), "-CA", directory.file("\(authority).pem"),
                     "-CAkey", directory.file("\(authority).key"), "-CAcreateserial", "-days", "2", "-extfile", extensions,
                     "-out", directory.file("server.pem")])
    }

    private static func openssl(_ arguments: [String]) throws {
        let outcome = try ProcessRunner.run("/usr/bin/env", ["openssl"] + arguments)
        guard outcome.status == 0 else {
            throw OpenSSLFailure(
                description: "openssl \(arguments.first ?? "") failed with status \(outcome.status) "
                    + "(is the Debian package `openssl` installed?): \(outcome.stderr)")
        }
    }
}
