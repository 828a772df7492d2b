import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// A service account's JSON key exchanged for a token: the JWT we sign with OpenSSL is verified
/// by a loopback token endpoint holding only the public key (Python's `cryptography`).
final class ServiceAccountTests: XCTestCase {
    private let environment = ScopedEnvironment()
    private var scratch: TemporaryDirectory!
    private var endpoint: GuardedProcess!
    private var gcs: GCSEmulator!
    private let email = "loader@project.iam.gserviceaccount.com"

    override func setUpWithError() throws {
        environment.clearCloudVariables()
        scratch = TemporaryDirectory("service-account")
        // Two key pairs: the endpoint knows the first one's public half only.
        try ProjectPython.run("""
            import sys
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
            for name in ("good", "other"):
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                open(f"{sys.argv[1]}/{name}.pem", "wb").write(key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
                open(f"{sys.argv[1]}/{name}.pub", "wb").write(key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
            """, [scratch.path])
        endpoint = try GuardedProcess(script: "token_endpoint.py", arguments: [
            "--public-key", scratch.file("good.pub"), "--email", email, "--token", "ya29.minted-token", "--log", scratch.file("token-log.jsonl"),
        ])
        gcs = try GCSEmulator()
        try gcs.createBucket("lake")
        try gcs.put("lake", "in/a.csv", "id\n1\n")
    }

    override func tearDown() {
        environment.restore()
        endpoint = nil
        gcs = nil
    }

    private func keyFile(_ pem: String) throws -> String {
        let key: [String: String] = [
            "type": "service_account", "client_email": email, "private_key_id": "k1",
            "private_key": try String(contentsOfFile: scratch.file(pem), encoding: .utf8),
            "token_uri": "http://127.0.0.1:\(endpoint.port)/token",
        ]
        let path = scratch.file("\(pem).json")
        try JSONSerialization.data(withJSONObject: key).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func verdicts() -> [String] {
        let text = (try? String(contentsOfFile: scratch.file("token-log.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["verdict"] as? String
        }
    }

    private func store(credentialsFile: String?) throws -> ObjectStore {
        let extra = credentialsFile.map { ", \"credentials_file\": \"\($0)\"" } ?? ""
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(gcs.endpoint)\", \"retries\": 0\(extra)}", path: "config.remote")
        let settings = try ObjectStoreSettings(config, provider: .gcs, configPath: "config.remote")
        return try ObjectStore(provider: .gcs, bucket: "lake", settings: settings, isCancelled: { false }, warn: { _ in })
    }

    func testASignedAssertionIsAcceptedAndItsTokenReusedUntilItExpires() throws {
        let store = try store(credentialsFile: try keyFile("good.pem"))
        XCTAssertEqual(try store.list(prefix: "in/").map(\.key), ["in/a.csv"])
        XCTAssertNotNil(try store.stat(key: "in/a.csv"))
        XCTAssertEqual(verdicts(), ["ok"], "one exchange, its token reused for the second request")
    }

    func testGoogleApplicationCredentialsIsUsedWhenTheConfigNamesNoFile() throws {
        environment.set("GOOGLE_APPLICATION_CREDENTIALS", try keyFile("good.pem"))
        XCTAssertEqual(try store(credentialsFile: nil).list(prefix: "in/").count, 1)
        XCTAssertEqual(verdicts(), ["ok"])
    }

    func testAKeyTheEndpointRejectsIsAConfigErrorWithoutTheKey() throws {
        let path = try keyFile("other.pem")
        let pem = try String(contentsOfFile: scratch.file("other.pem"), encoding: .utf8)
        XCTAssertThrowsError(try store(credentialsFile: path).list(prefix: "in/")) { error in
            let failure = error as? PluginError
            XCTAssertEqual(failure?.code, .invalidConfig)
            let message = failure?.message ?? ""
            XCTAssertTrue(message.contains("config.remote.credentials_file") && message.contains("HTTP 400") && message.contains(self.email), message)
            for line in pem.split(separator: "\n") where !line.hasPrefix("-----") {
                XCTAssertFalse(message.contains(line), "the message holds a line of the private key")
            }
        }
        XCTAssertEqual(verdicts(), ["Invalid JWT Signature."])
    }

    func testAFileThatIsNotAServiceAccountKeyIsRefusedAtConfigTime() throws {
        let path = try scratch.write("user.json", "{\"type\": \"authorized_user\", \"client_id\": \"x\"}")
        XCTAssertThrowsError(try store(credentialsFile: path)) { error in
            XCTAssertTrue(((error as? PluginError)?.message ?? "").contains("is not a service-account key"))
        }
    }
}
