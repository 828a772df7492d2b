import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// The object-store API on GCS's JSON API, against gcp-storage-emulator: listing, metadata,
/// ranged reads, upload, copy, delete, and the credentials it takes.
final class GCSObjectStoreTests: XCTestCase {
    private var emulator: GCSEmulator!
    private let environment = ScopedEnvironment()

    override func setUpWithError() throws {
        emulator = try GCSEmulator()
        environment.clearCloudVariables()
        try emulator.createBucket("lake")
    }

    override func tearDown() {
        environment.restore()
        emulator = nil
    }

    private func store(_ extra: String = "") throws -> ObjectStore {
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(emulator.endpoint)\", \"retries\": 0\(extra)}", path: "config.remote")
        let settings = try ObjectStoreSettings(config, provider: .gcs, configPath: "config.remote")
        return try ObjectStore(provider: .gcs, bucket: "lake", settings: settings, isCancelled: { false }, warn: { _ in })
    }

    func testListStatReadPutCopyDelete() throws {
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.env-token")
        try emulator.put("lake", "landing/b.csv", "id\n2\n")
        try emulator.put("lake", "landing/a b.csv", "id\n1\n")
        try emulator.put("lake", "elsewhere/c.csv", "id\n3\n")
        let store = try store()
        let objects = try store.list(prefix: "landing/")
        XCTAssertEqual(objects.map(\.key), ["landing/a b.csv", "landing/b.csv"])
        XCTAssertEqual(objects.map(\.size), [5, 5])
        XCTAssertTrue(objects.allSatisfy { !$0.etag.isEmpty && $0.modified != nil })
        let info = try XCTUnwrap(store.stat(key: "landing/a b.csv"))
        XCTAssertEqual(info.size, 5)
        XCTAssertNil(try store.stat(key: "landing/none.csv"))
        XCTAssertEqual(try store.reader(for: info).bytes(at: 3, count: 2), Array("1\n".utf8))

        let scratch = TemporaryDirectory("gcs-put")
        try store.put(key: "out/_tmp/p.csv", file: try scratch.write("p.csv", "id\n9\n"), contentType: "text/csv")
        try store.copy(from: "out/_tmp/p.csv", to: "out/final/p.csv")
        try store.delete(key: "out/_tmp/p.csv")
        XCTAssertEqual(try store.list(prefix: "out/").map(\.key), ["out/final/p.csv"])
        XCTAssertEqual(try emulator.get("lake", "out/final/p.csv"), "id\n9\n")
    }

    func testALargeFileGoesUpAsAResumableUploadInChunks() throws {
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.env-token")
        let scratch = TemporaryDirectory("gcs-resumable")
        let path = scratch.file("big.bin")
        let text = (0..<200_000).map { "line \($0)\n" }.joined()  // ~2.2 MB: 4 chunks of 512 KiB and a short one
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let store = try store()
        store.multipartPartSize = 512 << 10
        try store.put(key: "out/big.txt", file: path, contentType: "text/plain")
        XCTAssertEqual(try store.stat(key: "out/big.txt")?.size, Int64(text.utf8.count))
        XCTAssertTrue(try emulator.get("lake", "out/big.txt") == text)
    }

    func testNoCredentialsIsAConfigErrorSayingWhereToPutThem() throws {
        XCTAssertThrowsError(try store()) { error in
            let message = (error as? PluginError)?.message ?? ""
            XCTAssertTrue(message.contains("GOOGLE_APPLICATION_CREDENTIALS") && message.contains("config.remote.credentials_file"), message)
        }
    }

    func testS3OnlyKeysAreRefusedForGSPaths() throws {
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.env-token")
        XCTAssertThrowsError(try store(", \"region\": \"eu-west-1\"")) { error in
            XCTAssertEqual((error as? PluginError)?.message, "config.remote.region applies only to s3:// paths; remove it")
        }
    }
}
