import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The csv source reading `s3://` and `gs://` paths through the transport's object-store layer,
/// against moto's S3 server and gcp-storage-emulator: globs over a prefix, incremental reads by
/// ETag (new and changed objects read, unchanged ones skipped), `max_files_per_run`, and the
/// config errors of object-store paths.
final class ObjectStoreCSVTests: XCTestCase {
    private let environment = ScopedEnvironment()

    override func setUp() {
        environment.clearCloudVariables()
        environment.set("AWS_ACCESS_KEY_ID", "testing")
        environment.set("AWS_SECRET_ACCESS_KEY", "csv-test-secret")
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.csv-test-token")
    }

    override func tearDown() {
        environment.restore()
    }

    private let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "city", "type": "text"]]

    private func config(_ path: String, endpoint: String, extra: [String: Any] = [:]) -> [String: Any] {
        var config: [String: Any] = ["path": path, "columns": columns, "remote": ["endpoint": endpoint, "retries": 0]]
        extra.forEach { config[$0.key] = $0.value }
        return config
    }

    private func objectsInState(_ state: String?) throws -> [[String: Any]] {
        guard let state else { return [] }
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])
        return try XCTUnwrap(object["files"] as? [[String: Any]])
    }

    func testAnS3GlobLoadsTheMatchingObjectsUnderItsPrefixInKeyOrder() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try s3.put("lake", "landing/2026-02.csv", "id,city\n3,Lyon\n")
        try s3.put("lake", "landing/2026-01.csv", "city,id\nOslo,1\nRiga,2\n")
        try s3.put("lake", "landing/notes.txt", "not csv\n")
        try s3.put("lake", "landing/old/2025-12.csv", "id,city\n0,Nowhere\n")
        let result = try CSVTestSource.make(config("s3://lake/landing/*.csv", endpoint: s3.endpoint)).readAll(stream: "landing")
        XCTAssertEqual(result.rows, [["1", "Oslo"], ["2", "Riga"], ["3", "Lyon"]])
        XCTAssertEqual(result.rejects, [])
    }

    func testAGSObjectAndAGSGlob() throws {
        let gcs = try GCSEmulator()
        try gcs.createBucket("lake")
        try gcs.put("lake", "in/a.csv", "id,city\n1,Oslo\n")
        try gcs.put("lake", "in/b.csv", "id,city\n2,Riga\n")
        let one = try CSVTestSource.make(config("gs://lake/in/b.csv", endpoint: gcs.endpoint)).readAll(stream: "b")
        XCTAssertEqual(one.rows, [["2", "Riga"]])
        let all = try CSVTestSource.make(config("gs://lake/in/*.csv", endpoint: gcs.endpoint)).readAll(stream: "in")
        XCTAssertEqual(all.rows, [["1", "Oslo"], ["2", "Riga"]])
    }

    func testIncrementalReadsTakeNewAndChangedObjectsAndSkipUnchangedOnes() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try s3.put("lake", "in/a.csv", "id,city\n1,Oslo\n")
        try s3.put("lake", "in/b.csv", "id,city\n2,Riga\n")
        let source = config("s3://lake/in/*.csv", endpoint: s3.endpoint)
        let first = try CSVTestSource.make(source).readAll(stream: "in", cursor: "$offset")
        XCTAssertEqual(first.rows, [["1", "Oslo"], ["2", "Riga"]])
        let state = try XCTUnwrap(first.lastCheckpoint)
        let entries = try objectsInState(state)
        XCTAssertEqual(entries.map { $0["path"] as? String }, ["s3://lake/in/a.csv", "s3://lake/in/b.csv"])
        XCTAssertTrue(entries.allSatisfy { ($0["etag"] as? String)?.isEmpty == false && $0["modified"] is Double }, "\(entries)")

        try s3.startRecording()
        let unchanged = try CSVTestSource.make(source).readAll(stream: "in", state: state, cursor: "$offset")
        XCTAssertEqual(unchanged.rows, [])
        let requests = try s3.recordedRequests()
        XCTAssertEqual(requests.count, 1, "\(requests)")
        XCTAssertTrue(requests.first?.hasPrefix("GET /lake/?list-type=2") == true, "only the listing: \(requests)")

        try s3.put("lake", "in/a.csv", "id,city\n1,Oslo\n4,Bern\n")  // grew: only the new row
        try s3.put("lake", "in/b.csv", "id,city\n5,Kyiv\n")  // rewritten: read again from its first line
        try s3.put("lake", "in/c.csv", "id,city\n6,Rome\n")  // new
        let changed = try CSVTestSource.make(source).readAll(stream: "in", state: state, cursor: "$offset")
        XCTAssertEqual(changed.rows, [["4", "Bern"], ["5", "Kyiv"], ["6", "Rome"]])
        let fetched = try s3.recordedRequests().filter { $0.hasPrefix("GET /lake/in/") }
        // One GET per object, of its first bytes (all of these small objects): they answer the
        // state's checks, the header and the records alike.
        XCTAssertEqual(fetched, ["GET /lake/in/a.csv bytes=0-21", "GET /lake/in/b.csv bytes=0-14", "GET /lake/in/c.csv bytes=0-14"])
        let after = try objectsInState(changed.lastCheckpoint)
        XCTAssertEqual(after.map { $0["path"] as? String }, ["s3://lake/in/a.csv", "s3://lake/in/b.csv", "s3://lake/in/c.csv"])
        XCTAssertNotEqual(after[0]["etag"] as? String, entries[0]["etag"] as? String)
    }

    func testALargeObjectStreamsThroughAConnectionCutMidwayAndEveryRowLoadsOnce() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        let rows = 150_000
        try s3.put("lake", "big/all.csv", "id,city\n" + (0..<rows).map { "\($0),c\($0 % 97)\n" }.joined())
        // Every byte comes from moto; the proxy drops the first long answer after 1 MB.
        let proxy = try GuardedProcess(script: "cutting_proxy.py", arguments: ["--target", String(s3.port), "--cut-after", "1000000", "--cuts", "1"])
        var source = config("s3://lake/big/all.csv", endpoint: "http://127.0.0.1:\(proxy.port)")
        source["remote"] = ["endpoint": "http://127.0.0.1:\(proxy.port)", "retries": 2, "retry_base_seconds": 0.01]
        try s3.startRecording()
        let result = try CSVTestSource.make(source).readAll(stream: "all", cursor: "$offset")
        XCTAssertEqual(result.ids, Array(0..<rows))
        XCTAssertEqual(result.rejects, [])
        let ranges = try s3.recordedRequests().filter { $0.hasPrefix("GET /lake/big/all.csv") }
        XCTAssertEqual(ranges.count, 3, "first bytes, the rest, the rest after the cut: \(ranges)")
    }

    func testMaxFilesPerRunLoadsTheFilesInChunksAcrossRuns() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        for day in 1...5 { try s3.put("lake", "daily/2026-12-0\(day).csv", "id,city\n\(day),Day\(day)\n") }
        let source = config("s3://lake/daily/*.csv", endpoint: s3.endpoint, extra: ["max_files_per_run": 2])
        var state: String?
        var runs: [[Int]] = []
        for _ in 0..<4 {
            let result = try CSVTestSource.make(source).readAll(stream: "daily", state: state, cursor: "$offset")
            runs.append(result.ids)
            state = result.lastCheckpoint ?? state
        }
        XCTAssertEqual(runs, [[1, 2], [3, 4], [5], []])
        XCTAssertEqual(try objectsInState(state).count, 5)
    }

    func testMaxFilesPerRunOnAFullReadIsAnError() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try s3.put("lake", "daily/a.csv", "id,city\n1,A\n")
        let source = try CSVTestSource.make(config("s3://lake/daily/*.csv", endpoint: s3.endpoint, extra: ["max_files_per_run": 2]))
        assertPluginError("invalid config", ["max_files_per_run (2) applies to incremental reads only", "cursor_field"]) {
            _ = try source.readAll(stream: "daily")
        }
    }

    func testObjectStoreConfigErrors() throws {
        assertPluginError("invalid config", ["has a wildcard before its last segment"]) {
            _ = try CSVTestSource.make(["path": "s3://lake/*/x.csv", "columns": self.columns])
        }
        assertPluginError("invalid config", ["config.remote.credentials_file applies only to gs:// paths"]) {
            _ = try CSVTestSource.make(["path": "s3://lake/x.csv", "columns": self.columns, "remote": ["credentials_file": "/k.json"]])
        }
        assertPluginError("invalid config", ["config.remote.sftp does not apply to gs:// paths"]) {
            _ = try CSVTestSource.make(["path": "gs://lake/x.csv", "columns": self.columns, "remote": ["sftp": ["username_env": "U"]]])
        }
        assertPluginError("invalid config", ["is not a usable object-store path"]) {
            _ = try CSVTestSource.make(["path": "s3://lake/", "columns": self.columns])
        }
        unsetenv("AWS_ACCESS_KEY_ID")
        setenv("HOME", TemporaryDirectory("no-aws").path, 1)
        defer { setenv("HOME", NSHomeDirectory(), 1) }
        assertPluginError("invalid config", ["no AWS credentials found", "AWS_ACCESS_KEY_ID"]) {
            _ = try CSVTestSource.make(["path": "s3://lake/x.csv", "columns": self.columns])
        }
    }

    func testAMissingObjectIsAClearErrorWithoutTheSecret() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        let source = try CSVTestSource.make(config("s3://lake/none.csv", endpoint: s3.endpoint))
        assertPluginError("", ["s3://lake/none.csv"]) { _ = try source.readAll(stream: "none") }
        XCTAssertThrowsError(try source.readAll(stream: "none")) { error in
            XCTAssertFalse("\(error)".contains("csv-test-secret"))
        }
    }
}
