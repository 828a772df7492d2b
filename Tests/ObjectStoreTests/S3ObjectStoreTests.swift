import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// The object-store API on S3, against moto's server: listing across pages, stat, ranged reads,
/// upload, server-side copy and delete.
final class S3ObjectStoreTests: XCTestCase {
    private var emulator: S3Emulator!
    private let environment = ScopedEnvironment()

    override func setUpWithError() throws {
        emulator = try S3Emulator()
        environment.clearCloudVariables()
        environment.set("AWS_ACCESS_KEY_ID", "testing")
        environment.set("AWS_SECRET_ACCESS_KEY", "testing-secret")
        try emulator.createBucket("lake")
    }

    override func tearDown() {
        environment.restore()
        emulator = nil
    }

    private func store(_ extra: String = "") throws -> ObjectStore {
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(emulator.endpoint)\", \"retries\": 1, \"retry_base_seconds\": 0.01\(extra)}", path: "config.remote")
        let settings = try ObjectStoreSettings(config, provider: .s3, configPath: "config.remote")
        return try ObjectStore(provider: .s3, bucket: "lake", settings: settings, isCancelled: { false }, warn: { _ in })
    }

    func testListingFollowsContinuationTokensAcrossPages() throws {
        for index in 0..<7 { try emulator.put("lake", "landing/part-\(index).csv", "a\n\(index)\n") }
        try emulator.put("lake", "other/x.csv", "a\n1\n")
        let store = try store()
        store.pageSize = 3  // 7 objects: pages of 3, 3 and 1
        let objects = try store.list(prefix: "landing/")
        XCTAssertEqual(objects.map(\.key), (0..<7).map { "landing/part-\($0).csv" })
        XCTAssertEqual(objects.map(\.size), Array(repeating: 4, count: 7))
        XCTAssertTrue(objects.allSatisfy { !$0.etag.isEmpty && !$0.etag.contains("\"") && $0.modified != nil })
    }

    func testStatGivesSizeETagAndModificationTimeAndNilForAMissingObject() throws {
        try emulator.put("lake", "a b/ü.csv", "x,y\n1,2\n")
        let store = try store()
        let info = try XCTUnwrap(store.stat(key: "a b/ü.csv"))
        XCTAssertEqual(info.size, 8)
        XCTAssertEqual(info.etag, try store.list(prefix: "a b/").first?.etag)
        XCTAssertEqual(info.modified ?? 0, Date().timeIntervalSince1970, accuracy: 120)
        XCTAssertNil(try store.stat(key: "missing.csv"))
    }

    func testReadsStreamSequentiallyAndRangedBytesLeaveTheStreamAlone() throws {
        let text = (0..<20_000).map { "line \($0)\n" }.joined()
        try emulator.put("lake", "big.csv", text)
        let store = try store()
        let reader = store.reader(for: try XCTUnwrap(store.stat(key: "big.csv")))
        var collected: [UInt8] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 10_000, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let got = try reader.read(into: buffer, count: 10_000, at: Int64(collected.count))
            if got == 0 { break }
            collected += UnsafeRawBufferPointer(start: buffer, count: got)
            if collected.count == 50_000 {
                XCTAssertEqual(try reader.bytes(at: 5, count: 6), Array(Array(text.utf8)[5..<11]))
            }
        }
        XCTAssertEqual(collected, Array(text.utf8))
    }

    func testPutCopyDeleteRoundTrip() throws {
        let scratch = TemporaryDirectory("s3-put-test")
        let file = try scratch.write("part.csv", "id\n1\n2\n")
        let store = try store()
        try store.put(key: "out/_tmp/part.csv", file: file, contentType: "text/csv")
        try store.copy(from: "out/_tmp/part.csv", to: "out/dt=2026-12-05/part.csv")
        try store.delete(key: "out/_tmp/part.csv")
        try store.delete(key: "out/_tmp/part.csv")  // gone already: not an error
        XCTAssertEqual(try emulator.keys("lake"), ["out/dt=2026-12-05/part.csv"])
        XCTAssertEqual(try emulator.get("lake", "out/dt=2026-12-05/part.csv"), "id\n1\n2\n")
    }

    func testAMissingBucketIsAClearError() throws {
        let config = try PluginConfig(parsing: "{\"endpoint\": \"\(emulator.endpoint)\"}", path: "config.remote")
        let settings = try ObjectStoreSettings(config, provider: .s3, configPath: "config.remote")
        let store = try ObjectStore(provider: .s3, bucket: "nope", settings: settings, isCancelled: { false }, warn: { _ in })
        XCTAssertThrowsError(try store.list(prefix: "")) { error in
            let message = (error as? PluginError)?.message ?? ""
            XCTAssertTrue(message.contains("listing s3://nope/") && message.contains("404") && message.contains("NoSuchBucket"), message)
        }
    }
}
