import ETLPluginKit
import ETLTransport
import Foundation
import TestSupport
import XCTest

/// A long object read through a TCP proxy that drops the connection mid-body, twice: the
/// reader resumes with a range from the next byte each time and the bytes come out whole, with
/// a warning per resume and no secret in it.
final class ResumedReadTests: XCTestCase {
    private let environment = ScopedEnvironment()

    override func tearDown() { environment.restore() }

    func testAReadCutTwiceResumesAndDeliversEveryByteOnce() throws {
        environment.clearCloudVariables()
        environment.set("AWS_ACCESS_KEY_ID", "testing")
        environment.set("AWS_SECRET_ACCESS_KEY", "resume-secret-value")
        let emulator = try S3Emulator()
        try emulator.createBucket("lake")
        let text = (0..<60_000).map { "row \($0),\($0 * 7)\n" }.joined()  // ~1 MB
        try emulator.put("lake", "big.csv", text)
        let proxy = try GuardedProcess(script: "cutting_proxy.py", arguments: ["--target", String(emulator.port), "--cut-after", "200000", "--cuts", "2"])

        let config = try PluginConfig(parsing: "{\"endpoint\": \"http://127.0.0.1:\(proxy.port)\", \"retries\": 3, \"retry_base_seconds\": 0.01}", path: "config.remote")
        let warnings = WarningLog()
        let store = try ObjectStore(provider: .s3, bucket: "lake", settings: try ObjectStoreSettings(config, provider: .s3, configPath: "config.remote"),
                                    isCancelled: { false }, warn: { warnings.append($0) })
        let info = try XCTUnwrap(store.list(prefix: "big").first)
        let reader = store.reader(for: info)
        var collected: [UInt8] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let got = try reader.read(into: buffer, count: 64 << 10, at: Int64(collected.count))
            if got == 0 { break }
            collected += UnsafeRawBufferPointer(start: buffer, count: got)
        }
        XCTAssertEqual(collected.count, text.utf8.count)
        XCTAssertTrue(collected == Array(text.utf8))
        XCTAssertEqual(warnings.lines.count, 2, "\(warnings.lines)")
        XCTAssertTrue(warnings.lines.allSatisfy { $0.contains("s3://lake/big.csv") && $0.contains("resuming from byte") }, "\(warnings.lines)")
        XCTAssertFalse(warnings.lines.joined().contains("resume-secret-value"))
    }
}

final class WarningLog: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
