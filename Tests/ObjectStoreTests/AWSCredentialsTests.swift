import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// Where S3 credentials come from: the environment (which holds the manifest's `.env` too, the
/// runtime exports it), a profile of `~/.aws/credentials` (HOME pointed at a temporary folder),
/// `AWS_SHARED_CREDENTIALS_FILE`, or the config's `profile`.
final class AWSCredentialsTests: XCTestCase {
    private let environment = ScopedEnvironment()
    private var home: TemporaryDirectory!

    override func setUpWithError() throws {
        environment.clearCloudVariables()
        home = TemporaryDirectory("aws-home")
        environment.set("HOME", home.path)
        try FileManager.default.createDirectory(atPath: home.file(".aws"), withIntermediateDirectories: true)
        _ = try home.write(".aws/credentials", """
            # written by aws configure
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [etl]
            aws_access_key_id=AKIAETL
            aws_secret_access_key=etl-secret
            aws_session_token = etl-session-token
            """)
    }

    override func tearDown() {
        environment.restore()
    }

    private func settings(_ json: String = "{}") throws -> ObjectStoreSettings {
        try ObjectStoreSettings(try PluginConfig(parsing: json, path: "config.remote"), provider: .s3, configPath: "config.remote")
    }

    func testTheEnvironmentWinsOverTheDefaultProfile() throws {
        environment.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        environment.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        environment.set("AWS_SESSION_TOKEN", "env-token")
        let credentials = try XCTUnwrap(settings().s3Credentials)
        XCTAssertEqual([credentials.accessKeyID, credentials.secretAccessKey, credentials.sessionToken], ["AKIAENV", "env-secret", "env-token"])
    }

    func testTheDefaultProfileThenAWSProfileThenTheConfigsProfile() throws {
        XCTAssertEqual(try settings().s3Credentials?.accessKeyID, "AKIADEFAULT")
        environment.set("AWS_PROFILE", "etl")
        let fromVariable = try XCTUnwrap(settings().s3Credentials)
        XCTAssertEqual([fromVariable.accessKeyID, fromVariable.secretAccessKey, fromVariable.sessionToken], ["AKIAETL", "etl-secret", "etl-session-token"])
        environment.set("AWS_PROFILE", nil)
        environment.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        environment.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        XCTAssertEqual(try settings("{\"profile\": \"etl\"}").s3Credentials?.accessKeyID, "AKIAETL", "a profile named in the config wins")
    }

    func testASharedCredentialsFileElsewhere() throws {
        let other = try home.write("creds.ini", "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other-secret\n")
        environment.set("AWS_SHARED_CREDENTIALS_FILE", other)
        XCTAssertEqual(try settings().s3Credentials?.accessKeyID, "AKIAOTHER")
    }

    func testAMissingProfileOrHalfAKeyIsAClearError() throws {
        XCTAssertThrowsError(try settings("{\"profile\": \"nope\"}")) { error in
            let message = (error as? PluginError)?.message ?? ""
            XCTAssertTrue(message.contains("has no [nope] profile") && message.contains("config.remote.profile"), message)
            XCTAssertFalse(message.contains("default-secret"))
        }
        environment.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        XCTAssertThrowsError(try settings()) { error in
            XCTAssertTrue(((error as? PluginError)?.message ?? "").contains("AWS_SECRET_ACCESS_KEY is not"))
        }
    }

    func testRegionEndpointAndPathStyleDefaults() throws {
        environment.set("AWS_DEFAULT_REGION", "eu-west-3")
        let aws = try settings()
        XCTAssertEqual([aws.region, aws.endpoint], ["eu-west-3", "https://s3.eu-west-3.amazonaws.com"])
        XCTAssertFalse(aws.pathStyle)
        environment.set("AWS_REGION", "eu-central-1")
        let custom = try settings("{\"endpoint\": \"http://127.0.0.1:9000/\", \"region\": \"auto\"}")
        XCTAssertEqual([custom.region, custom.endpoint], ["auto", "http://127.0.0.1:9000"])
        XCTAssertTrue(custom.pathStyle)
        XCTAssertThrowsError(try settings("{\"endpoint\": \"ftp://x\"}"))
        XCTAssertThrowsError(try settings("{\"credentials_file\": \"/k.json\"}")) { error in
            XCTAssertEqual((error as? PluginError)?.message, "config.remote.credentials_file applies only to gs:// paths; remove it")
        }
        XCTAssertThrowsError(try settings("{\"auth\": {}}")) { error in
            XCTAssertTrue(((error as? PluginError)?.message ?? "").contains("config.remote.auth does not apply to s3:// paths"))
        }
    }

    func testAProfileSignsRequestsToTheStore() throws {
        let emulator = try S3Emulator()
        try emulator.createBucket("lake")
        try emulator.put("lake", "x.csv", "a\n")
        environment.set("AWS_PROFILE", "etl")
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(emulator.endpoint)\"}", path: "config.remote")
        let store = try ObjectStore(provider: .s3, bucket: "lake", settings: try ObjectStoreSettings(config, provider: .s3, configPath: "config.remote"),
                                    isCancelled: { false }, warn: { _ in })
        XCTAssertEqual(try store.list(prefix: "").map(\.key), ["x.csv"])
    }
}

/// The `remote` schema other plugins embed lists exactly the keys the settings read.
final class ObjectStoreSchemaTests: XCTestCase {
    func testTheSchemaNamesEveryKeyTheSettingsRead() throws {
        let schema = try PluginConfig(parsing: ObjectStoreSettings.schema, path: "schema")
        let properties = try XCTUnwrap(schema.optionalObject("properties"))
        XCTAssertEqual(Set(properties.keys), ObjectStoreSettings.keys)
    }
}
