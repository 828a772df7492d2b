import Foundation

/// moto's S3 server (`.venv/bin/moto_server`, from `make venv`) on a free loopback port for as
/// long as this object lives. Objects are put with boto3 (which comes with moto), so a test's
/// setup does not go through the code under test.
public final class S3Emulator {
    private let server: GuardedProcess
    /// `http://127.0.0.1:PORT`, for a config's `remote.endpoint`.
    public var endpoint: String { "http://127.0.0.1:\(server.port)" }
    public var port: Int { server.port }

    private let scratch = TemporaryDirectory("s3-emulator")

    /// Starts moto; `environment` is added to its own (e.g. `INITIAL_NO_AUTH_ACTION_COUNT`).
    public init(environment: [String: String] = [:]) throws {
        let moto = TestPaths.source(".venv/bin/moto_server")
        var merged = environment
        merged["MOTO_RECORDER_FILEPATH"] = scratch.file("recording.jsonl")
        server = try GuardedProcess(script: "emulator_guard.py", arguments: ["--", moto, "-H", "127.0.0.1", "-p", "{port}"],
                                    environment: merged)
    }

    /// moto checking every request's signature, and the IAM key it issued (allowed everything):
    /// the first four requests pass unchecked (`INITIAL_NO_AUTH_ACTION_COUNT`): the launcher's
    /// readiness probe and the three that create the user, its key and its policy.
    public static func authenticating() throws -> (emulator: S3Emulator, keyID: String, secret: String) {
        let emulator = try S3Emulator(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "4"])
        let issued = try ProjectPython.run("""
            import json, sys, boto3
            iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
            iam.create_user(UserName="loader")
            key = iam.create_access_key(UserName="loader")["AccessKey"]
            iam.put_user_policy(UserName="loader", PolicyName="all", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            print(key["AccessKeyId"], key["SecretAccessKey"])
            """, [emulator.endpoint])
        let parts = issued.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 2 else { throw GuardedProcess.Failure(description: "S3Emulator: IAM gave no key: \(issued)") }
        return (emulator, parts[0], parts[1])
    }

    /// Starts moto's request recorder afresh: `recordedRequests()` then lists what came after.
    public func startRecording() throws {
        try ProjectPython.run("""
            import sys, urllib.request
            for action in ("reset-recording", "start-recording"):
                urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/moto-api/recorder/" + action, data=b"", method="POST")).read()
            """, [endpoint])
    }

    /// The requests moto received since `startRecording()`: "METHOD /path?query" (the path as sent)
    /// and the Range header when there was one.
    public func recordedRequests() throws -> [String] {
        let text = try ProjectPython.run("""
            import json, sys, urllib.parse, urllib.request
            recording = urllib.request.urlopen(sys.argv[1] + "/moto-api/recorder/download-recording").read().decode()
            for line in recording.splitlines():
                if line.strip():
                    entry = json.loads(line)
                    parts = urllib.parse.urlsplit(entry["url"])
                    target = parts.path + ("?" + parts.query if parts.query else "")
                    ranged = {k.lower(): v for k, v in entry["headers"].items()}.get("range")
                    print(entry["method"], target + (" " + ranged if ranged else ""))
            """, [endpoint])
        return text.split(separator: "\n").map(String.init)
    }

    /// Runs boto3 code with `s3` bound to a client of this emulator (key pair `testing`).
    @discardableResult
    public func boto3(_ code: String, _ arguments: [String] = [], accessKey: String = "testing", secretKey: String = "testing") throws -> String {
        let prelude = """
            import sys, boto3
            s3 = boto3.client("s3", endpoint_url="\(endpoint)", region_name="us-east-1",
                              aws_access_key_id="\(accessKey)", aws_secret_access_key="\(secretKey)")

            """
        return try ProjectPython.run(prelude + code, arguments)
    }

    public func createBucket(_ name: String) throws {
        try boto3("s3.create_bucket(Bucket=sys.argv[1])", [name])
    }

    /// Puts `text` as the object `key`.
    public func put(_ bucket: String, _ key: String, _ text: String) throws {
        try put(bucket, key, data: Data(text.utf8))
    }

    public func put(_ bucket: String, _ key: String, data: Data) throws {
        let scratch = TemporaryDirectory("s3-put")
        let file = scratch.file("body")
        try data.write(to: URL(fileURLWithPath: file))
        try boto3("s3.upload_file(sys.argv[3], sys.argv[1], sys.argv[2])", [bucket, key, file])
    }

    /// The object's bytes as boto3 reads them.
    public func get(_ bucket: String, _ key: String) throws -> String {
        try boto3("sys.stdout.write(s3.get_object(Bucket=sys.argv[1], Key=sys.argv[2])['Body'].read().decode())", [bucket, key])
    }

    /// The keys in the bucket, sorted.
    public func keys(_ bucket: String) throws -> [String] {
        let text = try boto3("""
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1]):
                for item in page.get("Contents", []):
                    print(item["Key"])
            """, [bucket])
        return text.split(separator: "\n").map(String.init).sorted()
    }
}
