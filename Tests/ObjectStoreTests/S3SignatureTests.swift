import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// libcurl's AWS Signature V4 as S3 checks it: moto started with authentication on
/// (`S3Emulator.authenticating()`), so every request of ours is verified against the key moto
/// issued.
final class S3SignatureTests: XCTestCase {
    private var emulator: S3Emulator!
    private let environment = ScopedEnvironment()
    private var keyID = ""
    private var secret = ""

    override func setUpWithError() throws {
        (emulator, keyID, secret) = try S3Emulator.authenticating()
        try emulator.boto3("s3.create_bucket(Bucket='lake'); s3.put_object(Bucket='lake', Key='in/a b.csv', Body=b'id\\n1\\n')",
                           accessKey: keyID, secretKey: secret)
        environment.clearCloudVariables()
    }

    override func tearDown() {
        environment.restore()
        emulator = nil
    }

    private func store() throws -> ObjectStore {
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(emulator.endpoint)\", \"retries\": 0}", path: "config.remote")
        let settings = try ObjectStoreSettings(config, provider: .s3, configPath: "config.remote")
        return try ObjectStore(provider: .s3, bucket: "lake", settings: settings, isCancelled: { false }, warn: { _ in })
    }

    func testSignedRequestsPassVerification() throws {
        environment.set("AWS_ACCESS_KEY_ID", keyID)
        environment.set("AWS_SECRET_ACCESS_KEY", secret)
        let store = try store()
        let objects = try store.list(prefix: "in/")  // a query string, signed
        XCTAssertEqual(objects.map(\.key), ["in/a b.csv"])
        let reader = store.reader(for: objects[0])  // a key that needs encoding, a Range header
        XCTAssertEqual(try reader.bytes(at: 2, count: 3), Array("\n1\n".utf8))
        let scratch = TemporaryDirectory("s3-signed-put")
        try store.put(key: "out/b.csv", file: try scratch.write("b.csv", "id\n2\n"))  // UNSIGNED-PAYLOAD body
        try store.copy(from: "out/b.csv", to: "out/c.csv")
        try store.delete(key: "out/b.csv")
        XCTAssertEqual(try store.list(prefix: "out/").map(\.key), ["out/c.csv"])
    }

    func testALargeFileGoesUpAsASignedMultipartUploadAndComesBackWhole() throws {
        environment.set("AWS_ACCESS_KEY_ID", keyID)
        environment.set("AWS_SECRET_ACCESS_KEY", secret)
        let scratch = TemporaryDirectory("s3-multipart")
        let path = scratch.file("big.bin")
        var bytes = [UInt8](repeating: 0, count: 11 << 20 + 12_345)  // 3 parts of 5 MiB, the last shorter
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let store = try store()
        store.multipartPartSize = 5 << 20
        try store.put(key: "out/big.bin", file: path)
        let info = try XCTUnwrap(store.stat(key: "out/big.bin"))
        XCTAssertEqual(info.size, Int64(bytes.count))
        XCTAssertTrue(info.etag.hasSuffix("-3"), "a multipart ETag names its part count: \(info.etag)")
        let digest = try emulator.boto3("""
            import hashlib
            sys.stdout.write(hashlib.sha256(s3.get_object(Bucket="lake", Key="out/big.bin")["Body"].read()).hexdigest())
            """, accessKey: keyID, secretKey: secret)
        let local = try ProjectPython.run("import hashlib, sys; sys.stdout.write(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())", [path])
        XCTAssertEqual(digest, local)
        let pending = try emulator.boto3("print(len(s3.list_multipart_uploads(Bucket='lake').get('Uploads', [])))", accessKey: keyID, secretKey: secret)
        XCTAssertEqual(pending.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    func testTemporaryCredentialsSendTheirSessionToken() throws {
        let temporary = try emulator.boto3("""
            import json
            iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
            iam.put_role_policy(RoleName="reader", PolicyName="all", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/reader", RoleSessionName="etl")["Credentials"]
            print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            """, [emulator.endpoint, keyID, secret], accessKey: keyID, secretKey: secret)
        let parts = temporary.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        environment.set("AWS_ACCESS_KEY_ID", parts[0])
        environment.set("AWS_SECRET_ACCESS_KEY", parts[1])
        environment.set("AWS_SESSION_TOKEN", parts[2])
        XCTAssertEqual(try store().list(prefix: "in/").map(\.key), ["in/a b.csv"])
        environment.set("AWS_SESSION_TOKEN", nil)
        XCTAssertThrowsError(try store().list(prefix: "in/"), "without its session token the temporary key is refused")
    }

    func testAWrongSecretIsAConfigErrorThatNamesNoSecret() throws {
        environment.set("AWS_ACCESS_KEY_ID", keyID)
        environment.set("AWS_SECRET_ACCESS_KEY", "wrong-secret-value-123")
        XCTAssertThrowsError(try store().list(prefix: "")) { error in
            let failure = error as? PluginError
            XCTAssertEqual(failure?.code, .invalidConfig)
            let message = failure?.message ?? ""
            XCTAssertTrue(message.contains("403") && message.contains("AWS_SECRET_ACCESS_KEY"), message)
            XCTAssertFalse(message.contains("wrong-secret-value-123"), message)
            XCTAssertFalse(message.contains(self.secret), message)
        }
    }

    func testAnUnknownKeyIsRefused() throws {
        environment.set("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000")
        environment.set("AWS_SECRET_ACCESS_KEY", secret)
        XCTAssertThrowsError(try store().stat(key: "in/a b.csv")) { error in
            XCTAssertEqual((error as? PluginError)?.code, .invalidConfig)
            XCTAssertFalse(((error as? PluginError)?.message ?? "").contains(self.secret))
        }
    }
}
