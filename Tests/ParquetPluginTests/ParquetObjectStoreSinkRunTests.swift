import Foundation
import TestSupport
import XCTest

/// The parquet sink writing to moto's S3 through the real `etl-runtime`, its entry worker killed
/// at whatever point of publishing it has reached (an upload, a copy, the delete after a copy,
/// the state): the rerun finishes or discards what the killed run left, and the dataset ends
/// with every row exactly once. The spool files of the killed worker are removed too.
final class ParquetObjectStoreSinkRunTests: XCTestCase {
    func testAnIncrementalAppendToS3KilledMidRunResumesWithoutLosingOrDuplicatingRows() throws {
        let s3 = try S3Emulator()
        try s3.createBucket("lake")
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: #"""
                {"gen": {"plugin": "csv", "config": {"path": "data.csv", "stream": "rows", "header": false,
                  "columns": [{"name": "id", "type": "int64"}, {"name": "grp", "type": "text"}]}}}
                """#,
            sinks: """
                {"lake": {"plugin": "parquet", "config": {"path": "s3://lake/warehouse", "partition_by": {"column": "grp"},
                  "remote": {"endpoint": "\(s3.endpoint)", "retries": 0}}}}
                """,
            entries: #"[{"id": "rows", "source": "gen", "stream": "rows", "sink": "lake", "target": "rows", "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 2000}]"#)
        _ = try workspace.folder.write(".env", "AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\nAWS_REGION=us-east-1\n")
        let total = 60_000
        try workspace.writeCSV("data.csv", rows: total, groups: ["a", "b"])
        let partsOfA = "print(sum(1 for page in s3.get_paginator('list_objects_v2').paginate(Bucket='lake', Prefix='warehouse/rows/grp=a/part-') for _ in page.get('Contents', [])))"

        let spool = TemporaryDirectory("parquet-spool")
        let savedTMPDIR = ProcessInfo.processInfo.environment["TMPDIR"]
        setenv("TMPDIR", spool.path, 1)  // inherited by etl-runtime and its workers
        defer { if let savedTMPDIR { setenv("TMPDIR", savedTMPDIR, 1) } else { unsetenv("TMPDIR") } }
        let run = try workspace.start()
        var worker: pid_t?
        try waitUntil("three published batches", timeout: 120, interval: 0.05) {
            if worker == nil { worker = ParquetSinkRunWorkspace.workers(of: run).first }
            guard run.isRunning else { return true }
            guard worker != nil else { return false }
            return (Int(try s3.boto3(partsOfA).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 3
        }
        let killed = try XCTUnwrap(worker, "no entry worker appeared")
        kill(killed, SIGKILL)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 1, "the run finished before the kill; nothing was proven")
        // Whatever the worker was spooling when it died, and a spool file of a live process.
        _ = try spool.write("etl-parquet-upload-\(killed)-abcdef", "part of a killed upload")
        _ = try spool.write("etl-parquet-upload-\(getpid())-abcdef", "an upload in progress elsewhere")

        let rerun = try workspace.run(["run"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool.path), ["etl-parquet-upload-\(getpid())-abcdef"],
                       "the dead worker's spool files are gone, the live process's stays")
        let keys = try s3.keys("lake")
        XCTAssertFalse(keys.contains { $0.contains("/.tmp-") || $0.hasSuffix(".pending.json") }, "\(keys.filter { $0.contains("/.tmp-") })")
        let counted = try ProjectPython.run("""
            import sys, pyarrow.fs, pyarrow.parquet as pq, pyarrow.compute as pc
            s3 = pyarrow.fs.S3FileSystem(endpoint_override=sys.argv[1], scheme="http", access_key="testing", secret_key="testing", region="us-east-1")
            ids = pq.read_table("lake/warehouse/rows", filesystem=s3).column("id")
            print(len(ids), len(pc.unique(ids)), pc.min(ids), pc.max(ids))
            """, [s3.endpoint.replacingOccurrences(of: "http://", with: "")])
        XCTAssertEqual(counted.trimmingCharacters(in: .whitespacesAndNewlines), "\(total) \(total) 0 \(total - 1)")
    }
}
