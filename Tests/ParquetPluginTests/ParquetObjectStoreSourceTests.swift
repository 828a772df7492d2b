import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// The parquet source on `s3://` (moto) and `gs://` (gcp-storage-emulator) paths: files written
/// by pyarrow and put into the emulators, read by byte ranges, incrementally by new objects
/// (key + ETag + size + last-modified), `max_files_per_run` at a time, and by a cursor column.
final class ParquetObjectStoreSourceTests: XCTestCase {
    private let environment = ScopedEnvironment()

    override func setUp() {
        environment.clearCloudVariables()
        environment.set("AWS_ACCESS_KEY_ID", "testing")
        environment.set("AWS_SECRET_ACCESS_KEY", "testing")
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.emulator-token")
    }

    override func tearDown() {
        environment.restore()
    }

    /// Python writing `ids` as a Parquet file into `body` (bytes): an int64 `id`, a text `day`, and
    /// a large, incompressible `blob` column the column tests leave out.
    private static func parquetBytes(ids: String, blobBytes: Int = 0) -> String {
        """
        import io, os, pyarrow as pa, pyarrow.parquet as pq
        ids = list(range(\(ids)))
        columns = {"id": pa.array(ids, pa.int64()), "day": pa.array([f"2026-12-{1 + i % 3:02d}" for i in ids])}
        if \(blobBytes) > 0:
            columns["blob"] = pa.array([os.urandom(\(blobBytes)) for i in ids], pa.binary())
        sink = io.BytesIO()
        pq.write_table(pa.table(columns), sink, compression="snappy", row_group_size=100)
        body = sink.getvalue()
        """
    }

    private func putS3(_ s3: S3Emulator, _ key: String, ids: String, blobBytes: Int = 0) throws {
        try s3.boto3(Self.parquetBytes(ids: ids, blobBytes: blobBytes) + "\ns3.put_object(Bucket='lake', Key=sys.argv[1], Body=body)", [key])
    }

    private func putGCS(_ gcs: GCSEmulator, _ key: String, ids: String) throws {
        try ProjectPython.run(Self.parquetBytes(ids: ids) + """

            import sys, urllib.parse, urllib.request
            query = urllib.parse.urlencode({"uploadType": "media", "name": sys.argv[2]})
            request = urllib.request.Request(f"{sys.argv[1]}/upload/storage/v1/b/lake/o?{query}", data=body,
                                             headers={"Content-Type": "application/octet-stream"}, method="POST")
            urllib.request.urlopen(request).read()
            """, [gcs.endpoint, key])
    }

    private func ids(_ outcome: ParquetReadOutcome) -> [Int64] {
        outcome.columns[0].map { if case .int(let value) = $0 { value } else { -1 } }
    }

    func testS3GlobIsReadByNewObjectsAFewFilesPerRunAndAReplacedObjectIsReadAgain() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try putS3(s3, "orders/2026-12-01.parquet", ids: "0, 3")
        try putS3(s3, "orders/2026-12-02.parquet", ids: "3, 5")
        try putS3(s3, "orders/2026-12-03.parquet", ids: "5, 9")
        try putS3(s3, "orders/sub/ignored.parquet", ids: "100, 101")
        let config: [String: Any] = ["path": "s3://lake/orders/*.parquet", "columns": ["id", "day"], "max_files_per_run": 2,
                                     "remote": ["endpoint": s3.endpoint, "retries": 0]]

        let first = try ParquetFixtures.read(config, stream: "orders", cursor: "$file")
        XCTAssertEqual(ids(first), [0, 1, 2, 3, 4], "the first two objects in key order")
        let firstState = try XCTUnwrap(first.checkpoints.last ?? nil)
        XCTAssertTrue(firstState.contains("\"etag\"") && firstState.contains("s3://lake/orders/2026-12-02.parquet"), firstState)

        let second = try ParquetFixtures.read(config, stream: "orders", cursor: "$file", state: firstState)
        XCTAssertEqual(ids(second), [5, 6, 7, 8])
        let secondState = try XCTUnwrap(second.checkpoints.last ?? nil)
        XCTAssertEqual(try ParquetFixtures.read(config, stream: "orders", cursor: "$file", state: secondState).batchCount, 0)

        try putS3(s3, "orders/2026-12-02.parquet", ids: "50, 52")
        let again = try ParquetFixtures.read(config, stream: "orders", cursor: "$file", state: secondState)
        XCTAssertEqual(ids(again), [50, 51], "a replaced object (new ETag) is loaded again, the others are not")
    }

    func testOnlyTheFooterAndTheLoadedColumnsAreFetchedByRange() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        // 400 rows of 2000 random bytes: the blob column is about 800 kB of the file.
        try putS3(s3, "wide.parquet", ids: "0, 400", blobBytes: 2000)
        let size = try XCTUnwrap(Int(try s3.boto3("print(s3.head_object(Bucket='lake', Key='wide.parquet')['ContentLength'])")
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        try s3.startRecording()
        let outcome = try ParquetFixtures.read(["path": "s3://lake/wide.parquet", "columns": ["id"],
                                                "remote": ["endpoint": s3.endpoint, "retries": 0]], stream: "wide")
        XCTAssertEqual(ids(outcome), Array(0..<400))
        let gets = try s3.recordedRequests().filter { $0.hasPrefix("GET /lake/wide.parquet") }
        XCTAssertFalse(gets.isEmpty)
        var fetched = 0
        for request in gets {
            let range = try XCTUnwrap(request.split(separator: " ").last.flatMap { $0.hasPrefix("bytes=") ? $0.dropFirst(6) : nil },
                                      "every read is ranged: \(request)")
            let bounds = range.split(separator: "-").compactMap { Int($0) }
            XCTAssertEqual(bounds.count, 2, request)
            fetched += bounds[1] - bounds[0] + 1
        }
        XCTAssertLessThan(fetched, size / 2, "\(gets.count) ranged GETs fetched \(fetched) of \(size) bytes: the blob column must not be read")
    }

    func testCursorReadOnS3LoadsOnlyRowsAfterTheWatermark() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try putS3(s3, "events/a.parquet", ids: "0, 250")
        let config: [String: Any] = ["path": "s3://lake/events/*.parquet", "columns": ["id", "day"], "remote": ["endpoint": s3.endpoint]]
        let first = try ParquetFixtures.read(config, stream: "events", cursor: "id")
        XCTAssertEqual(ids(first), Array(0..<250))
        try putS3(s3, "events/b.parquet", ids: "200, 260")
        let second = try ParquetFixtures.read(config, stream: "events", cursor: "id", state: try XCTUnwrap(first.checkpoints.last ?? nil))
        XCTAssertEqual(ids(second), Array(250..<260))
    }

    func testGCSKeyPatternAcrossPartitionFolders() throws {
        let gcs = try GCSEmulator()
        try gcs.createBucket("lake")
        try putGCS(gcs, "sales/dt=2026-12-02/part-0.parquet", ids: "10, 12")
        try putGCS(gcs, "sales/dt=2026-12-01/part-0.parquet", ids: "0, 3")
        try putGCS(gcs, "sales/dt=2026-12-01/_SUCCESS", ids: "0, 1")
        let config: [String: Any] = ["path": "gs://lake/sales/dt=*/*.parquet", "stream": "sales", "columns": ["id"],
                                     "remote": ["endpoint": gcs.endpoint, "retries": 0]]
        let first = try ParquetFixtures.read(config, stream: "sales", cursor: "$file")
        XCTAssertEqual(ids(first), [0, 1, 2, 10, 11])
        try putGCS(gcs, "sales/dt=2026-12-03/part-0.parquet", ids: "20, 21")
        let second = try ParquetFixtures.read(config, stream: "sales", cursor: "$file", state: try XCTUnwrap(first.checkpoints.last ?? nil))
        XCTAssertEqual(ids(second), [20])
    }

    func testRemoteSettingsAreCheckedAsForTheCSVSource() throws {
        XCTAssertThrowsError(try ParquetTestSource.make(["path": "data/*.parquet", "remote": ["endpoint": "http://127.0.0.1:1"]])) { error in
            XCTAssertTrue("\(error)".contains("config.remote applies only to s3:// and gs:// paths"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetTestSource.make(["path": "gs://lake/a.parquet", "remote": ["region": "eu-west-1"]])) { error in
            XCTAssertTrue("\(error)".contains("config.remote.region applies only to s3:// paths"), "\(error)")
        }
        let source = try ParquetTestSource.make(["path": "s3://lake/a/*.parquet", "max_files_per_run": 3, "remote": ["endpoint": "http://127.0.0.1:1"]])
        XCTAssertThrowsError(try source.read(ParquetTestSource.request(stream: "a"))) { error in
            XCTAssertTrue("\(error)".contains("max_files_per_run (3) applies to reads by new files only"), "\(error)")
        }
    }
}
