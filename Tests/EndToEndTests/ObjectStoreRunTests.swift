import Foundation
import TestSupport
import XCTest

/// `etl-runtime run` loading csv objects from S3 (moto, checking every signature) into SQLite in
/// chunks of two files per run, with the key only in the manifest's `.env`: what a cron job
/// does, with no secret printed.
final class ObjectStoreRunTests: XCTestCase {
    func testChunkedRunsWithTheKeyInDotEnvLoadEveryObjectOnce() throws {
        let (s3, keyID, secret) = try S3Emulator.authenticating()
        try s3.boto3("s3.create_bucket(Bucket='lake')", accessKey: keyID, secretKey: secret)
        for day in 1...5 {
            try s3.boto3("s3.put_object(Bucket='lake', Key=sys.argv[1], Body=sys.argv[2].encode())",
                         ["daily/2026-12-0\(day).csv", "id,city\n\(day),A\n\(day + 10),B\n"], accessKey: keyID, secretKey: secret)
        }
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"lake": {"plugin": "csv", "config": {"path": "s3://lake/daily/*.csv", "max_files_per_run": 2,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "city", "type": "text"}],
                 "remote": {"endpoint": "\(s3.endpoint)", "retries": 0}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "daily", "source": "lake", "stream": "daily", "sink": "warehouse", "target": "daily",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"}]
                """)
        try workspace.folder.write(".env", "AWS_ACCESS_KEY_ID=\(keyID)\nAWS_SECRET_ACCESS_KEY=\(secret)\n")
        let home = TemporaryDirectory("no-aws-home")  // no ~/.aws of the developer's
        var counts: [String] = []
        for _ in 0..<4 {
            let outcome = try workspace.run(["run"], environment: ["HOME": home.path])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertFalse(outcome.stdout.contains(secret) || outcome.stderr.contains(secret))
            counts.append(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT count(*) FROM daily"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(counts, ["4", "8", "10", "10"])
        let ids = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("warehouse.db"), "SELECT group_concat(id) FROM (SELECT id FROM daily ORDER BY id)"]).stdout
        XCTAssertEqual(ids.trimmingCharacters(in: .whitespacesAndNewlines), "1,2,3,4,5,11,12,13,14,15")
        XCTAssertFalse(try workspace.stateQuery("SELECT watermark FROM etl_control").contains(secret))
    }

    func testAWrongKeyInDotEnvFailsTheEntryWithAClearMessageAndNoSecret() throws {
        let (s3, keyID, secret) = try S3Emulator.authenticating()
        try s3.boto3("s3.create_bucket(Bucket='lake')", accessKey: keyID, secretKey: secret)
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: """
                {"lake": {"plugin": "csv", "config": {"path": "s3://lake/daily/*.csv",
                 "columns": [{"name": "id", "type": "int64"}], "remote": {"endpoint": "\(s3.endpoint)", "retries": 0}}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "daily", "source": "lake", "stream": "daily", "sink": "warehouse", "target": "daily", "mode": "full"}]"#)
        let wrong = "wrong-\(secret.prefix(8))-secret-value"
        try workspace.folder.write(".env", "AWS_ACCESS_KEY_ID=\(keyID)\nAWS_SECRET_ACCESS_KEY=\(wrong)\n")
        let outcome = try workspace.run(["run"], environment: ["HOME": TemporaryDirectory("no-aws-home").path])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("HTTP 403") && outcome.stderr.contains("SignatureDoesNotMatch"), outcome.stderr)
        XCTAssertFalse(outcome.stdout.contains(wrong) || outcome.stderr.contains(wrong), outcome.stderr)
    }
}
