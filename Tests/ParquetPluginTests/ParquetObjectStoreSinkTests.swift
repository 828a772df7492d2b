import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// The parquet sink on `s3://bucket/prefix` (moto) and `gs://bucket/prefix`
/// (gcp-storage-emulator): parts uploaded under temporary keys and published by server-side
/// copy, `_SUCCESS` markers, replace deleting old parts only after the new ones are published,
/// the resume state in the bucket, recovery of a commit killed between copy and delete; and what
/// it wrote read back by pyarrow and by our own source.
final class ParquetObjectStoreSinkTests: ParquetSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8), ("state", .utf8)])
    private let environment = ScopedEnvironment()

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment.clearCloudVariables()
        environment.set("AWS_ACCESS_KEY_ID", "testing")
        environment.set("AWS_SECRET_ACCESS_KEY", "testing")
        environment.set("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.emulator-token")
    }

    override func tearDown() {
        environment.restore()
        super.tearDown()
    }

    /// One emulator, seen through Python so that checks do not go through the code under test.
    private struct Bucket {
        let scheme: String
        let endpoint: String
        /// Python with `keys()`, `get(key)` and `put(key, bytes)` on bucket `lake`.
        let client: String

        static func s3(_ emulator: S3Emulator) -> Bucket {
            Bucket(scheme: "s3", endpoint: emulator.endpoint, client: """
                import sys, boto3
                s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
                def keys():
                    return sorted(item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="lake") for item in page.get("Contents", []))
                def get(key): return s3.get_object(Bucket="lake", Key=key)["Body"].read()
                def put(key, body): s3.put_object(Bucket="lake", Key=key, Body=body)
                """)
        }

        static func gcs(_ emulator: GCSEmulator) -> Bucket {
            Bucket(scheme: "gs", endpoint: emulator.endpoint, client: """
                import json, sys, urllib.parse, urllib.request
                def keys():
                    listing = json.loads(urllib.request.urlopen(ENDPOINT + "/storage/v1/b/lake/o").read())
                    return sorted(item["name"] for item in listing.get("items", []))
                def get(key): return urllib.request.urlopen(f"{ENDPOINT}/storage/v1/b/lake/o/{urllib.parse.quote(key, safe='')}?alt=media").read()
                def put(key, body):
                    query = urllib.parse.urlencode({"uploadType": "media", "name": key})
                    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/upload/storage/v1/b/lake/o?{query}", data=body, method="POST")).read()
                """)
        }

        @discardableResult
        func python(_ code: String, _ arguments: [String] = []) throws -> String {
            try ProjectPython.run("ENDPOINT = \"\(endpoint)\"\n" + client + "\n" + code, arguments)
        }

        func keys() throws -> [String] {
            try python("print('\\n'.join(keys()))").split(separator: "\n").map(String.init)
        }

        /// pyarrow's own filesystem for this emulator (a Python expression; `pyarrow.fs` and
        /// `datetime` imported): pyarrow reads the dataset from the store itself.
        var pyarrowFilesystem: String {
            let hostPort = endpoint.replacingOccurrences(of: "http://", with: "")
            return scheme == "s3"
                ? "pyarrow.fs.S3FileSystem(endpoint_override='\(hostPort)', scheme='http', access_key='testing', secret_key='testing', region='us-east-1')"
                : "pyarrow.fs.GcsFileSystem(anonymous=True, endpoint_override='\(hostPort)', scheme='http', retry_time_limit=datetime.timedelta(seconds=10))"
        }

        func upload(_ file: String, as key: String) throws {
            try python("put(sys.argv[1], open(sys.argv[2], 'rb').read())", [key, file])
        }
    }

    private func sink(_ bucket: Bucket, entryID: String = "entry") throws -> SinkInstance {
        let config = """
            {"path": "\(bucket.scheme)://lake/warehouse", "partition_by": {"column": "state"}, "remote": {"endpoint": "\(bucket.endpoint)", "retries": 0}}
            """
        return try SinkInstance(plugin: try Self.sinkPlugin(), configJSON: config, entryID: entryID)
    }

    private func assertPublishesReplacesAndReadsBack(_ bucket: Bucket) throws {
        let sink = try sink(bucket)
        try sink.check()
        XCTAssertEqual(try load(sink, "people", schema, [[[1, "ann", "CA"], [2, nil, "NY"]]], mode: .replace, state: "1"), 2)
        XCTAssertEqual(try bucket.keys(), [
            "warehouse/_etl_state/entry.json",
            "warehouse/people/state=CA/_SUCCESS", "warehouse/people/state=CA/part-00000.parquet",
            "warehouse/people/state=NY/_SUCCESS", "warehouse/people/state=NY/part-00000.parquet",
        ], "no temporary object, no check probe left")

        try load(sink, "people", schema, [[[3, "cy", "CA"]]], mode: .replace, state: "2", run: "run-2")
        XCTAssertEqual(try bucket.keys().filter { $0.contains("state=CA/") },
                       ["warehouse/people/state=CA/_SUCCESS", "warehouse/people/state=CA/part-00001.parquet"],
                       "the old part of the replaced partition is gone, the new one published")
        XCTAssertEqual(try self.sink(bucket).readState(entryID: "entry"), "2", "the state lives in the bucket")

        let pyarrow = try ParquetReadBack.pyarrow("lake/warehouse/people", filesystem: bucket.pyarrowFilesystem)
        XCTAssertEqual(pyarrow.columns, ["id", "name", "state"])
        XCTAssertEqual(sorted(pyarrow.rows), ParquetReadBack.canonical([[2, nil, "NY"], [3, "cy", "CA"]]))

        let ours = try ParquetFixtures.read(["path": "\(bucket.scheme)://lake/warehouse/people/state=*/*.parquet", "stream": "people",
                                             "remote": ["endpoint": bucket.endpoint]], stream: "people")
        XCTAssertEqual(ours.schema.fields.map(\.name), ["id", "name"])
        XCTAssertEqual(ours.columns[0], [.int(3), .int(2)], "state=CA before state=NY, in key order")
        XCTAssertEqual(ours.columns[1], [.text("cy"), .null])
    }

    func testS3PublishesByCopyReplacesAfterPublishingAndReadsBack() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        try assertPublishesReplacesAndReadsBack(.s3(s3))
    }

    func testGCSPublishesByCopyReplacesAfterPublishingAndReadsBack() throws {
        let gcs = try GCSEmulator()
        try gcs.createBucket("lake")
        try assertPublishesReplacesAndReadsBack(.gcs(gcs))
    }

    /// A commit killed after the copy of a part to its final key but before the delete of its
    /// temporary key: both objects exist and the plan is pending. The next state read takes the
    /// part as published, deletes the temporary object, writes `_SUCCESS` and the state, and
    /// carries out the replace's deletes; the rerun then resumes after that load.
    func testACommitKilledBetweenCopyAndDeleteIsFinishedAsPublished() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        let bucket = Bucket.s3(s3)
        try load(try sink(bucket), "t", schema, [[[1, "ann", "CA"]]], mode: .replace, state: "1")
        let part = folder.file("part.parquet")
        try ParquetWriterFile.write(part, Batches.schema([("id", .int64), ("name", .utf8)]), [[[2, "bob"]]])
        let partition = "warehouse/t/state=CA/"
        try bucket.upload(part, as: partition + ".tmp-run-2-part-00001.parquet.inprogress")
        try bucket.upload(part, as: partition + "part-00001.parquet")
        let plan = """
            {"entry_id": "entry", "run_id": "run-2", "target": "t", "rows": 1, "state_json": "2",
             "renames": [{"from": "s3://lake/\(partition).tmp-run-2-part-00001.parquet.inprogress", "to": "s3://lake/\(partition)part-00001.parquet"}],
             "success_folders": ["s3://lake/warehouse/t/state=CA"], "deletes": ["s3://lake/\(partition)part-00000.parquet"]}
            """
        let planFile = folder.file("plan.json")
        try Data(plan.utf8).write(to: URL(fileURLWithPath: planFile))
        try bucket.upload(planFile, as: "warehouse/_etl_state/entry.pending.json")

        XCTAssertEqual(try sink(bucket).readState(entryID: "entry"), "2")
        XCTAssertEqual(try bucket.keys(), ["warehouse/_etl_state/entry.json", partition + "_SUCCESS", partition + "part-00001.parquet"])

        // A temporary object with no plan (a run killed before its commit) goes with the next load.
        try bucket.upload(part, as: partition + ".tmp-run-3-part-00002.parquet.inprogress")
        try load(try sink(bucket), "t", schema, [[[4, "dee", "CA"]]], mode: .append, state: "4", run: "run-4")
        XCTAssertEqual(try bucket.keys().filter { $0.hasPrefix(partition) },
                       [partition + "_SUCCESS", partition + "part-00001.parquet", partition + "part-00002.parquet"])
    }

    func testObjectStoreConfigIsChecked() throws {
        func error(_ config: String) -> String {
            do {
                _ = try SinkInstance(plugin: try Self.sinkPlugin(), configJSON: config, entryID: "entry")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(error(#"{"path": "s3://lake/w", "fsync": false}"#).contains("fsync applies to local folders only"))
        XCTAssertTrue(error(#"{"path": "s3://lake/w/*", "remote": {"endpoint": "http://127.0.0.1:1"}}"#).contains("has a wildcard"))
        XCTAssertTrue(error(#"{"path": "lake", "remote": {"endpoint": "http://127.0.0.1:1"}}"#).contains("remote applies only to s3:// and gs:// paths"))
        XCTAssertTrue(error(#"{"path": "gs://lake/w", "remote": {"profile": "dev"}}"#).contains("remote.profile applies only to s3:// paths"))
    }
}
